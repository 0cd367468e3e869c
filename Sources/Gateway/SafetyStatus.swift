import Foundation

/// The structured result of a safety-confirmation call, from the `record_safety_status` tool.
public struct SafetyStatus: Equatable, Sendable, Codable {
    /// What the assistant learnt.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case safe, injured, needs_help, unreachable, unknown
    }

    public var status: Status
    public var details: String
    public var location: String

    public init(status: Status, details: String = "", location: String = "") {
        self.status = status
        self.details = details
        self.location = location
    }

    /// Parses the tool's JSON arguments; the error says what the model got wrong, and goes back to it.
    public static func parse(arguments: String) throws(ToolArgumentError) -> SafetyStatus {
        guard let object = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String: Any] else {
            throw ToolArgumentError("arguments are not a JSON object")
        }
        guard let raw = object["status"] as? String else { throw ToolArgumentError("status is required") }
        guard let status = Status(rawValue: raw) else {
            throw ToolArgumentError("status must be one of \(Status.allCases.map(\.rawValue).joined(separator: ", ")), not '\(raw)'")
        }
        return SafetyStatus(status: status, details: object["details"] as? String ?? "", location: object["location"] as? String ?? "")
    }
}

/// A tool call's arguments were unusable; the message is sent back to the model as the tool's output.
public struct ToolArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
