/// A telephone number in E.164 form: `+`, a country code starting 1–9, at most 15 digits in all.
public struct E164Number: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number as written, e.g. `+819012345678`.
    public let rawValue: String

    /// Accepts exactly E.164 (`+819012345678`); nil for anything else.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 3, utf8.count <= 16, utf8[0] == UInt8(ascii: "+"),
              (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(utf8[1]),
              utf8.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let number = E164Number(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an E.164 number: \(text)"))
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The number with all but the last four digits masked, for logs.
    public var masked: String {
        let digits = rawValue.dropFirst()
        guard digits.count > 6 else { return rawValue }
        return "+" + digits.prefix(2) + String(repeating: "•", count: digits.count - 6) + digits.suffix(4)
    }
}
