import Twilio

/// Why `POST /outbound-call` (or `anpi-call call`) did not place a call, with the HTTP status it maps to.
public enum OutboundCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body was not the expected JSON (400).
    case badRequest(String)
    /// The destination is neither a verified caller id nor one of the account's numbers (403).
    case notPermitted(E164Number)
    /// Twilio refused (502), with its code and message.
    case twilioRefused(TwilioAPIError)
    /// Twilio did not answer in time (504).
    case twilioTimeout(String)
    /// Twilio could not be reached or answered nonsense (502).
    case twilioUnavailable(String)

    /// The HTTP status of the answer.
    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .notPermitted: 403
        case .twilioRefused, .twilioUnavailable: 502
        case .twilioTimeout: 504
        }
    }

    /// The `error` text of the JSON answer (the original app's wording for a refused number).
    public var description: String {
        switch self {
        case .badRequest(let why): why
        case .notPermitted(let number): "\(number.rawValue) は発信許可がありません"
        case .twilioRefused(let e): "Twilio refused the call" + (e.code.map { " (error \($0))" } ?? "") + ": \(e.message)"
        case .twilioTimeout(let why): why
        case .twilioUnavailable(let why): why
        }
    }
}
