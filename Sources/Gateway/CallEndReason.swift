/// Why a call ended, as stored in its ``CallReport`` and sent to the result webhook.
public enum CallEndReason: Equatable, Sendable, CustomStringConvertible {
    /// The assistant called `end_call` and the gateway hung up after its last words played.
    case completed
    /// Twilio sent `stop` (the callee hung up, or the call ended elsewhere).
    case calleeHungUp
    /// Twilio's media socket closed without `stop`.
    case twilioDisconnected
    /// The media stream broke Twilio's protocol or was not authorised (nothing was charged to the model).
    case rejected(String)
    /// The Realtime API could not be reached.
    case realtimeUnavailable(String)
    /// The Realtime socket closed mid-call.
    case realtimeDropped(String)
    /// The Realtime API reported an error the call cannot continue after.
    case realtimeError(code: String, message: String)
    /// The model's session hit its maximum duration.
    case sessionExpired
    /// The call reached `MAX_CALL_SECONDS`.
    case timeLimit
    /// The gateway is shutting down.
    case shutdown

    /// A short machine-readable name (`completed`, `callee_hung_up`, …).
    public var code: String {
        switch self {
        case .completed: "completed"
        case .calleeHungUp: "callee_hung_up"
        case .twilioDisconnected: "twilio_disconnected"
        case .rejected: "rejected"
        case .realtimeUnavailable: "realtime_unavailable"
        case .realtimeDropped: "realtime_dropped"
        case .realtimeError: "realtime_error"
        case .sessionExpired: "session_expired"
        case .timeLimit: "time_limit"
        case .shutdown: "shutdown"
        }
    }

    public var description: String {
        switch self {
        case .completed: "the assistant ended the call"
        case .calleeHungUp: "the callee hung up"
        case .twilioDisconnected: "Twilio's media stream closed without stop"
        case .rejected(let why): "media stream rejected: \(why)"
        case .realtimeUnavailable(let why): "the Realtime API was unavailable: \(why)"
        case .realtimeDropped(let why): "the Realtime connection dropped: \(why)"
        case .realtimeError(let code, let message): "Realtime error \(code): \(message)"
        case .sessionExpired: "the model session expired"
        case .timeLimit: "the call reached MAX_CALL_SECONDS"
        case .shutdown: "the gateway shut down"
        }
    }

    /// Whether the callee may still be on the line and should hear the apology.
    var needsApology: Bool {
        switch self {
        case .realtimeUnavailable, .realtimeDropped, .realtimeError, .sessionExpired, .timeLimit, .shutdown, .twilioDisconnected: true
        case .completed, .calleeHungUp, .rejected: false
        }
    }
}
