import Foundation

/// A value bound to a statement or read from a row, the same for every database the store runs on.
/// Statements carry only constant SQL; every value travels as one of these.
public enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case real(Double)
    case null

    /// `value` as text, or NULL.
    static func nullable(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    /// `value` as seconds since 1970, or NULL.
    static func time(_ value: Date?) -> SQLValue { value.map { .real($0.timeIntervalSince1970) } ?? .null }

    var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var integer: Int? {
        switch self {
        case .integer(let value): value
        case .real(let value): Int(exactly: value.rounded(.towardZero))
        default: nil
        }
    }

    var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}
