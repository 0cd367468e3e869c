import Foundation
import Twilio

/// The body of `POST /outbound-call`: `{"to_number": "+81…", "message": "…"?, "user_id": "…"?}`.
public struct OutboundCallRequest: Sendable, Equatable {
    public var toNumber: E164Number
    /// What this call is for, told to the assistant.
    public var message: String
    /// The caller's id for the person called.
    public var userID: String

    /// Longest `message` / `user_id` accepted: each travels as a TwiML `<Parameter>` (Twilio: name + value < 500 characters).
    public static let maxMessageCharacters = 400
    public static let maxUserIDCharacters = 128

    public init(toNumber: E164Number, message: String = "", userID: String = "") {
        self.toNumber = toNumber
        self.message = message
        self.userID = userID
    }

    /// Parses and checks a JSON body; every failure says what to fix.
    public static func parse(_ body: [UInt8]) throws(OutboundCallError) -> OutboundCallRequest {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) else {
            throw .badRequest("the body must be JSON: {\"to_number\": \"+81…\", \"message\": \"…\", \"user_id\": \"…\"}")
        }
        guard let dict = object as? [String: Any] else { throw .badRequest("the body must be a JSON object") }
        guard let rawNumber = dict["to_number"] else { throw .badRequest("to_number is required") }
        guard let text = rawNumber as? String else { throw .badRequest("to_number must be a string such as \"+819012345678\"") }
        guard let number = E164Number(text) else {
            throw .badRequest("to_number must be an E.164 number such as +819012345678, not '\(text.prefix(40))'")
        }
        func optionalString(_ key: String, max: Int) throws(OutboundCallError) -> String {
            guard let v = dict[key], !(v is NSNull) else { return "" }
            guard let s = v as? String else { throw .badRequest("\(key) must be a string") }
            guard s.count <= max else { throw .badRequest("\(key) is too long (\(s.count) characters; at most \(max))") }
            return s
        }
        return OutboundCallRequest(toNumber: number, message: try optionalString("message", max: maxMessageCharacters), userID: try optionalString("user_id", max: maxUserIDCharacters))
    }
}
