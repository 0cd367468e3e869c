/// Why a request to Twilio did not get an answer.
public enum TwilioClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer within the request timeout.
    case timeout(seconds: Double)
    /// The connection failed (DNS, refused, TLS…).
    case unreachable(String)
    /// Twilio answered with something that is not the expected JSON.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .timeout(let s): "Twilio did not answer within \(s) s"
        case .unreachable(let why): "Twilio could not be reached: \(why)"
        case .malformedResponse(let why): "Twilio's answer could not be read: \(why)"
        }
    }
}
