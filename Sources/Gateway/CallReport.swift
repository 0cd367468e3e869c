import Foundation

/// What happened on one call: who, how it went, what was said, the safety result and why it ended.
/// Kept by ``CallRegistry``, logged at the end of the call and POSTed to `RESULT_WEBHOOK_URL`.
public struct CallReport: Sendable, Equatable {
    /// One line of the conversation.
    public struct TranscriptLine: Sendable, Equatable {
        public enum Speaker: String, Sendable { case callee, assistant }
        public var speaker: Speaker
        public var text: String
        /// Milliseconds since the media stream started.
        public var atMilliseconds: Int
        /// The model's item (assistant lines).
        public var itemID: String = ""
        /// For an assistant line the callee cut off: how much of it they heard (the text is the model's whole line).
        public var cutAtMilliseconds: Int?
    }

    /// A barge-in: the assistant was cut and its item truncated at what the callee heard.
    public struct Truncation: Sendable, Equatable {
        public var itemID: String
        /// What the gateway told the model the callee heard.
        public var audioEndMilliseconds: Int
        /// What the gateway had received of that item from the model.
        public var receivedMilliseconds: Int
        public var atMilliseconds: Int
    }

    /// One moment of the call, for the timeline.
    public struct Event: Sendable, Equatable {
        public var atMilliseconds: Int
        public var what: String
    }

    public var callID: String
    public var callSID: String
    public var streamSID: String
    public var userID: String
    public var message: String
    public var audioFormat: String
    public var startedAt: Date
    public var endedAt: Date?
    public var endReason: CallEndReason?
    public var safetyStatus: SafetyStatus?
    public var transcript: [TranscriptLine] = []
    public var truncations: [Truncation] = []
    public var events: [Event] = []
    /// Callee frames sent to the model, and assistant frames sent to Twilio.
    public var framesToModel = 0
    public var framesToCallee = 0
    /// Model audio deltas dropped because their response had been cut by a barge-in.
    public var droppedDeltas = 0
    /// `error` events from the model, by code.
    public var realtimeErrors: [String] = []
    /// The call's Ogg Opus recording, when `RECORDINGS_DIR` is set and it was written in full.
    public var recordingPath: String?

    /// The JSON object sent to the result webhook.
    public var jsonObject: [String: Any] {
        let iso = ISO8601DateFormatter()
        var o: [String: Any] = [
            "call_id": callID, "call_sid": callSID, "stream_sid": streamSID, "user_id": userID, "message": message,
            "audio_format": audioFormat, "started_at": iso.string(from: startedAt),
            "frames_to_model": framesToModel, "frames_to_callee": framesToCallee, "dropped_deltas": droppedDeltas,
            "realtime_errors": realtimeErrors,
            "transcript": transcript.map { line -> [String: Any] in
                var o: [String: Any] = ["speaker": line.speaker.rawValue, "text": line.text, "at_ms": line.atMilliseconds]
                if let cut = line.cutAtMilliseconds { o["cut_at_ms"] = cut }
                return o
            },
            "truncations": truncations.map { ["item_id": $0.itemID, "audio_end_ms": $0.audioEndMilliseconds, "received_ms": $0.receivedMilliseconds, "at_ms": $0.atMilliseconds] },
        ]
        o["ended_at"] = endedAt.map { iso.string(from: $0) } ?? NSNull()
        o["end_reason"] = endReason?.code ?? NSNull()
        o["recording_path"] = recordingPath ?? NSNull()
        o["end_detail"] = endReason?.description ?? NSNull()
        if let s = safetyStatus {
            o["safety_status"] = ["status": s.status.rawValue, "details": s.details, "location": s.location]
        } else {
            o["safety_status"] = NSNull()
        }
        return o
    }

    /// ``jsonObject`` as JSON bytes.
    public var json: Data {
        (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
