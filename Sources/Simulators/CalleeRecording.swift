/// What a simulated callee said and heard, and the latencies it measured.
public struct CalleeRecording: Sendable {
    /// One moment of the call, in ms since the stream started.
    public struct Event: Sendable, Equatable {
        public var atMilliseconds: Int
        public var what: String
    }

    /// How the media stream ended.
    public enum Ending: String, Sendable {
        /// The gateway closed the socket.
        case closedByGateway = "closed by the gateway"
        /// The call ended through Twilio (hang-up or TwiML redirect over REST): `stop` was sent.
        case endedByTwilio = "ended by Twilio (REST)"
        /// The callee hung up (`stop`).
        case calleeHungUp = "callee hung up"
        /// The callee's socket dropped without `stop`.
        case socketDropped = "socket dropped"
        /// The script's time limit passed.
        case timedOut = "timed out"
    }

    /// What the callee sent, 8 kHz PCM (one sample per μ-law byte).
    public var said: [Int16] = []
    /// What the callee's phone played, 8 kHz PCM, on the same clock as `said`.
    public var heard: [Int16] = []
    public var events: [Event] = []
    public var ending: Ending = .timedOut
    /// `clear` messages received.
    public var clears = 0
    public var marksEchoed = 0
    /// Milliseconds of each assistant item that actually played (attributed by the marks that follow the audio).
    public var playedMilliseconds: [String: Int] = [:]
    /// Audio of an item cut by a `clear` that arrived after that `clear` (must stay 0).
    public var cutAudioAfterClear = 0
    /// End of each callee line → first assistant audio heard after it, in ms.
    public var responseLatencies: [Int] = []
    /// Start of a line spoken over the assistant → the `clear` that silenced it, in ms.
    public var bargeInLatencies: [Int] = []
    /// Last assistant audio heard → the stream ending, in ms.
    public var hangUpDelay: Int?
    /// The call's Twilio ids.
    public var callSID = ""
    public var streamSID = ""
}
