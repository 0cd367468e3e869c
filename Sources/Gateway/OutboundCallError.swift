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
    /// No or a wrong `Authorization: Bearer` token (401).
    case unauthorized
    /// The destination is outside `ALLOWED_DESTINATIONS` (403).
    case destinationNotAllowed(E164Number, allowed: [String])
    /// Over a rate limit or the concurrency cap (429 with `Retry-After`).
    case rateLimited(String, retryAfterSeconds: Int)
    /// The gateway is shutting down and takes no new calls (503).
    case shuttingDown
    /// The request body is larger than the gateway accepts (413).
    case bodyTooLarge(limit: Int)

    /// The HTTP status of the answer.
    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .unauthorized: 401
        case .notPermitted, .destinationNotAllowed: 403
        case .bodyTooLarge: 413
        case .rateLimited: 429
        case .shuttingDown: 503
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
        case .unauthorized: "missing or wrong API token: send Authorization: Bearer <API_AUTH_TOKEN>"
        case .destinationNotAllowed(let number, let allowed):
            "\(number.rawValue) may not be called: ALLOWED_DESTINATIONS is \(allowed.joined(separator: ","))"
        case .rateLimited(let why, let after): "too many requests: \(why); retry in \(after) s"
        case .shuttingDown: "the gateway is shutting down and takes no new calls; retry on another instance"
        case .bodyTooLarge(let limit): "the request body is larger than \(limit) bytes"
        }
    }
}

extension OutboundCallError {
    /// Seconds for a `Retry-After` header, when the answer has one.
    public var retryAfterSeconds: Int? {
        switch self {
        case .rateLimited(_, let seconds): seconds
        case .shuttingDown: 30
        default: nil
        }
    }

    init(_ refusal: CallAdmission.Refusal, allowed: [String]) {
        switch refusal {
        case .limited(let why, let seconds): self = .rateLimited(why, retryAfterSeconds: seconds)
        case .destinationNotAllowed(let number): self = .destinationNotAllowed(number, allowed: allowed)
        case .draining: self = .shuttingDown
        }
    }
}
