import Foundation

/// An error answer of the simulated REST API, in either of Twilio's two body shapes.
struct SimulatedAPIError: Error, Sendable, Equatable {
    var status: Int
    var code: Int
    var message: String
    var shape: SimulatedFault.Shape = .legacy

    /// The `more_info` / `type` link Twilio sends.
    var moreInfo: String { "https://www.twilio.com/docs/errors/\(code)" }

    /// The response body.
    func body(instance path: String) -> [UInt8] {
        let object: [String: Any] = switch shape {
        case .legacy:
            ["code": code, "message": message, "more_info": moreInfo, "status": status]
        case .problem:
            ["type": moreInfo, "title": Self.title(status), "status": status, "code": code, "detail": message, "instance": path]
        }
        return JSONBody.encode(object)
    }

    /// The `Content-Type` of the body.
    var contentType: String {
        shape == .legacy ? "application/json" : "application/problem+json"
    }

    private static func title(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "HTTP \(status)"
        }
    }

    // Twilio's own errors for the cases the simulator checks.

    static let authenticate = SimulatedAPIError(status: 401, code: 20003, message: "Authenticate")

    static func notFound(_ path: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 404, code: 20404, message: "The requested resource \(path) was not found")
    }

    static func invalidTo(_ to: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21211, message: "Invalid 'To' Phone Number: \(to)")
    }

    static func missingTo() -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21201, message: "No 'To' number is specified")
    }

    static func missingFrom() -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21213, message: "No 'From' number is specified")
    }

    static func unverifiedFrom(_ from: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21210, message: "The source phone number provided, \(from), is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.")
    }

    static func invalidFrom(_ from: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21212, message: "Invalid From Number (caller ID): \(from)")
    }

    static func twimlSource() -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21205, message: "Exactly one of Url, Twiml or ApplicationSid is required")
    }

    static func twimlTooLong(_ count: Int) -> SimulatedAPIError {
        // Twilio documents the 4000-character limit; the code it answers with is not documented, 11750
        // ("TwiML response body too large") is the nearest real one.
        SimulatedAPIError(status: 400, code: 11750, message: "Twiml is \(count) characters; at most 4000 are allowed")
    }

    static func invalidCallState(_ status: SimulatedCall.Status, action: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 21220, message: "Invalid call state: the call is \(status.rawValue). Cannot \(action).")
    }

    static func invalidParameter(_ name: String, _ value: String) -> SimulatedAPIError {
        SimulatedAPIError(status: 400, code: 20001, message: "Invalid value for \(name): \(value)")
    }

    static func tooManyCalls(_ limit: Int) -> SimulatedAPIError {
        SimulatedAPIError(status: 429, code: 20429, message: "Too Many Requests: at most \(limit) calls may be live at once")
    }
}
