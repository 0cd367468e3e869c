/// A call as the simulated Twilio REST API holds it: what the client asked for and where it stands.
///
/// Values are snapshots; ask the simulator again for the current state.
public struct SimulatedCall: Sendable, Equatable, Codable {
    /// Twilio's call states (the `status` field of the Call resource).
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, ringing
        case inProgress = "in-progress"
        case completed, busy, failed
        case noAnswer = "no-answer"
        case canceled

        /// Whether the call has ended (no further state changes).
        public var isOver: Bool {
            switch self {
            case .queued, .ringing, .inProgress: false
            case .completed, .busy, .failed, .noAnswer, .canceled: true
            }
        }
    }

    /// A status callback the simulator POSTed for this call.
    public struct Callback: Sendable, Equatable, Codable {
        /// `SequenceNumber`, from 0 in the order the events happened.
        public var sequenceNumber: Int
        /// The event's `CallStatus` (`initiated`, `ringing`, `in-progress`, `completed`, …).
        public var callStatus: String
        /// The receiver's HTTP status, or nil when the request failed.
        public var responseStatus: Int?
    }

    /// `CA` and 32 hex digits.
    public var sid: String
    /// The account the call was placed on.
    public var accountSID: String
    /// The destination (`To`), E.164.
    public var to: String
    /// The caller id (`From`), E.164.
    public var from: String
    /// The `Url` the client gave, if any.
    public var url: String?
    /// The TwiML in force: the `Twiml` of the create, or of the latest redirect.
    public var twiml: String?
    /// Every TwiML received for the call, the create's first, then each redirect's.
    public var twimlHistory: [String]
    /// `StatusCallback`, if any.
    public var statusCallback: String?
    /// `StatusCallbackMethod` (default `POST`).
    public var statusCallbackMethod: String
    /// The `StatusCallbackEvent` values as sent (repeats kept); empty means Twilio's default, `completed` only.
    public var statusCallbackEvents: [String]
    /// Where the call stands.
    public var status: Status
    /// Every field of the create request, in order.
    public var form: [FormField]
    /// Seconds from answer to end, once the call is over.
    public var duration: Int?
    /// The status callbacks sent so far, in the order they were sent.
    public var callbacks: [Callback]
    /// The `X-Twilio-Signature` Twilio would send with the media-stream upgrade (set when answered).
    public var streamSignature: String? = nil

    enum CodingKeys: String, CodingKey {
        case sid, to, from, url, twiml, status, form, duration, callbacks
        case accountSID = "account_sid"
        case twimlHistory = "twiml_history"
        case statusCallback = "status_callback"
        case statusCallbackMethod = "status_callback_method"
        case statusCallbackEvents = "status_callback_events"
    }
}
