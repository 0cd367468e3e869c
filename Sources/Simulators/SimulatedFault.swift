/// A misbehaviour to inject into the simulated REST API: an error answer, a delay, or both
/// (the delay first).
public struct SimulatedFault: Sendable, Equatable {
    /// Which error body to send.
    public enum Shape: Sendable, Equatable {
        /// The Voice API's `{code, message, more_info, status}`.
        case legacy
        /// RFC 9457 problem JSON `{type, title, status, code, detail, instance}`.
        case problem
    }

    /// How long to wait before answering (long enough makes a client time out).
    public var delay: Duration
    /// The HTTP status of the error answer; nil answers normally after the delay.
    public var status: Int?
    /// Twilio's error code.
    public var code: Int
    /// The error message.
    public var message: String
    /// The body's shape.
    public var shape: Shape

    /// An error answer, e.g. `.error(status: 503, code: 20503, message: "Service unavailable")`.
    public static func error(status: Int, code: Int, message: String, shape: Shape = .legacy, after delay: Duration = .zero) -> SimulatedFault {
        SimulatedFault(delay: delay, status: status, code: code, message: message, shape: shape)
    }

    /// A normal answer sent only after `duration`.
    public static func delay(_ duration: Duration) -> SimulatedFault {
        SimulatedFault(delay: duration, status: nil, code: 0, message: "", shape: .legacy)
    }

    /// `429 Too Many Requests` with code 20429.
    public static let tooManyRequests = error(status: 429, code: 20429, message: "Too Many Requests")
    /// `503 Service Unavailable` with code 20503.
    public static let serviceUnavailable = error(status: 503, code: 20503, message: "Service Unavailable")

    /// The error answer this fault gives, if any.
    var apiError: SimulatedAPIError? {
        status.map { SimulatedAPIError(status: $0, code: code, message: message, shape: shape) }
    }
}
