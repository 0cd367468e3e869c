import Realtime

/// What one simulated Realtime session saw and did, for tests and the demo to check.
public struct RealtimeSessionRecord: Sendable, Equatable {
    /// A `conversation.item.truncate` received.
    public struct Truncation: Sendable, Equatable {
        public var itemID: String
        public var audioEndMilliseconds: Int
        /// How much audio of the item the simulator had sent.
        public var itemMilliseconds: Int
        /// False when it was refused with an `error` (beyond the audio, unknown item).
        public var accepted: Bool
    }

    public var id: String
    /// `?model=` of the connection URL.
    public var model: String
    /// The `Authorization` header as received.
    public var authorization: String
    /// `session.update`s accepted and refused.
    public var sessionUpdates = 0
    public var refusedSessionUpdates = 0
    public var inputFormat: RealtimeAudioFormat = .pcm24k
    public var outputFormat: RealtimeAudioFormat = .pcm24k
    public var interruptResponse = false
    /// `instructions` of the last accepted `session.update`.
    public var instructions = ""
    /// Audio appended, in ms of the input format.
    public var appendedMilliseconds = 0
    public var speechStarts = 0
    public var responses = 0
    /// Responses cut short, with the reason sent (`turn_detected`, `client_cancelled`).
    public var cancellations: [String] = []
    public var truncations: [Truncation] = []
    /// `function_call_output` items received: call id and output.
    public var functionOutputs: [String] = []
    /// Codes of the `error` events sent.
    public var errorsSent: [String] = []
    /// Client events received, by type.
    public var clientEvents: [String: Int] = [:]
    /// The client closed the socket (rather than the simulator).
    public var closedByClient = false
    /// Echo mode: for each echoed utterance, audio ms from the echo's first sample to the end-of-speech
    /// decision that starts the response — the model's own delay, which a round trip measurement subtracts.
    public var echoDelays: [Int] = []
    public var ended = false
}
