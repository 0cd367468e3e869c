import Foundation

/// Where SQLite and PostgreSQL need different SQL. Everything else the store writes once.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A migration's DDL for this database: the statements are written for SQLite (whose released
    /// migrations must never change); PostgreSQL stores times as `DOUBLE PRECISION` (its `REAL` is
    /// 4 bytes, too coarse for seconds since 1970) and integers as `BIGINT`.
    func ddl(_ statement: String) -> String {
        switch self {
        case .sqlite: statement
        case .postgres:
            statement.replacingOccurrences(of: " REAL", with: " DOUBLE PRECISION")
                .replacingOccurrences(of: " INTEGER", with: " BIGINT")
        }
    }

    /// Appended to the sub-select that picks rows to claim: PostgreSQL locks them and skips rows
    /// another instance is claiming; SQLite runs one writer at a time, so needs nothing.
    var claimLock: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }

    /// Run first inside the migration transaction, so that instances starting together migrate one at a
    /// time (SQLite's `BEGIN IMMEDIATE` already does this).
    var migrationLock: String? {
        switch self {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(7046311001)"
        }
    }
}
