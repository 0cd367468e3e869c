import Foundation

/// One result row, read by column name (the same for SQLite and PostgreSQL).
public struct SQLRow: Sendable {
    let columns: [String: SQLValue]

    init(_ columns: [String: SQLValue]) { self.columns = columns }

    func string(_ name: String) -> String? { columns[name]?.string }
    func int(_ name: String) -> Int? { columns[name]?.integer }
    func double(_ name: String) -> Double? { columns[name]?.double }
    func date(_ name: String) -> Date? { double(name).map { Date(timeIntervalSince1970: $0) } }
}
