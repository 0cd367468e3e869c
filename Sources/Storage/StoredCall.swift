import Foundation

/// One call as stored (issue 7): who was called and why, every Twilio status callback in order, the
/// times, why it ended, the safety status recorded, and both sides' transcripts. JSON keys are
/// snake_case, as in the rest of the API.
public struct StoredCall: Codable, Sendable, Equatable {
    /// A Twilio status callback.
    public struct StatusEvent: Codable, Sendable, Equatable {
        public var sequence: Int
        public var status: String
        /// Twilio's `Timestamp`, as sent.
        public var timestamp: String?
        public var receivedAt: Date

        /// One callback as received.
        public init(sequence: Int, status: String, timestamp: String?, receivedAt: Date) {
            self.sequence = sequence
            self.status = status
            self.timestamp = timestamp
            self.receivedAt = receivedAt
        }

        enum CodingKeys: String, CodingKey {
            case sequence, status, timestamp
            case receivedAt = "received_at"
        }
    }

    /// What `record_safety_status` recorded.
    public struct Safety: Codable, Sendable, Equatable {
        public var status: String
        public var details: String
        public var location: String

        /// A recorded safety status.
        public init(status: String, details: String, location: String) {
            self.status = status
            self.details = details
            self.location = location
        }
    }

    /// One transcript line.
    public struct Line: Codable, Sendable, Equatable {
        /// `assistant` or `callee`.
        public var speaker: String
        public var text: String
        /// Milliseconds since the media stream started.
        public var atMilliseconds: Int
        /// Where the callee cut the assistant off, in ms of the line's audio.
        public var cutAtMilliseconds: Int?

        /// One line of the conversation.
        public init(speaker: String, text: String, atMilliseconds: Int, cutAtMilliseconds: Int? = nil) {
            self.speaker = speaker
            self.text = text
            self.atMilliseconds = atMilliseconds
            self.cutAtMilliseconds = cutAtMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case speaker, text
            case atMilliseconds = "at_ms"
            case cutAtMilliseconds = "cut_at_ms"
        }
    }

    /// The gateway's call id (`c_…`).
    public var id: String
    public var callSID: String?
    /// `outbound` or `inbound`.
    public var direction: String
    public var toNumber: String?
    public var userID: String
    public var message: String
    /// `pcmu`, `pcma` or `pcm24k`.
    public var audioMode: String
    /// The latest status by Twilio's sequence number (`queued` until the first callback).
    public var status: String
    public var statusEvents: [StatusEvent]
    public var createdAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    /// `completed`, `callee_hung_up`, … (the report's `end_reason`), once the stream has ended.
    public var endReason: String?
    public var safety: Safety?
    public var transcript: [Line]
    /// The recording's path, when recording is on.
    public var recordingPath: String?

    /// A record; a new call is `queued` until Twilio reports more.
    public init(id: String, callSID: String?, direction: String, toNumber: String?, userID: String, message: String, audioMode: String,
                status: String = "queued", statusEvents: [StatusEvent] = [], createdAt: Date, answeredAt: Date? = nil, endedAt: Date? = nil,
                endReason: String? = nil, safety: Safety? = nil, transcript: [Line] = [], recordingPath: String? = nil) {
        self.id = id
        self.callSID = callSID
        self.direction = direction
        self.toNumber = toNumber
        self.userID = userID
        self.message = message
        self.audioMode = audioMode
        self.status = status
        self.statusEvents = statusEvents
        self.createdAt = createdAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.endReason = endReason
        self.safety = safety
        self.transcript = transcript
        self.recordingPath = recordingPath
    }

    enum CodingKeys: String, CodingKey {
        case id, direction, message, status, safety, transcript
        case callSID = "call_sid"
        case toNumber = "to_number"
        case userID = "user_id"
        case audioMode = "audio_mode"
        case statusEvents = "status_events"
        case createdAt = "created_at"
        case answeredAt = "answered_at"
        case endedAt = "ended_at"
        case endReason = "end_reason"
        case recordingPath = "recording_path"
    }
}
