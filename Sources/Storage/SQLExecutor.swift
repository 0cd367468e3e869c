/// Runs statements: a database, or one transaction on it. SQL is written once for both databases,
/// with `$1`, `$2`, … placeholders (a value may be used more than once) and only constant text.
public protocol SQLExecutor: Sendable {
    /// Runs one statement and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow]
}

extension SQLExecutor {
    /// Runs one statement that returns no rows of interest.
    public func execute(_ sql: String, _ binds: [SQLValue] = []) async throws(StoreError) {
        _ = try await query(sql, binds)
    }
}
