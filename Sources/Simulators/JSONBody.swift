import Foundation

/// JSON bodies for the simulator's answers (Foundation's coders, off any hot path).
enum JSONBody {
    /// Serialises a JSON object built from dictionaries, arrays, strings, numbers and `NSNull`.
    static func encode(_ object: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// Serialises an `Encodable` value.
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}
