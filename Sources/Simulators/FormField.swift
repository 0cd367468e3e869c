/// One `name=value` pair of a form-encoded body or query string, in the order received.
public struct FormField: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The parameter name, e.g. `StatusCallbackEvent`.
    public var name: String
    /// The decoded value.
    public var value: String

    /// A field `name=value`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Fields from decoded pairs, keeping order and repeated names.
    static func list(_ pairs: [(String, String)]) -> [FormField] {
        pairs.map { FormField($0.0, $0.1) }
    }

    /// `name=value`, unescaped.
    public var description: String { "\(name)=\(value)" }
}

extension Array where Element == FormField {
    /// The last value given for `name` (Twilio's reading of a repeated scalar), or nil.
    public func value(_ name: String) -> String? {
        last { $0.name == name }?.value
    }

    /// Every value given for `name`, in order (list parameters such as `StatusCallbackEvent`).
    public func values(_ name: String) -> [String] {
        filter { $0.name == name }.map(\.value)
    }
}
