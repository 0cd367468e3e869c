/// A database the store runs on: ``SQLiteDatabase`` (embedded, one process) or ``PostgresDatabase``
/// (shared by every gateway instance). The store's SQL is the same for both; ``dialect`` covers the
/// few places where they differ.
public protocol SQLDatabase: SQLExecutor {
    /// The SQL differences the store must know about.
    var dialect: SQLDialect { get }
    /// What to name in messages: the file, or the server and database (never a password).
    var displayName: String { get }
    /// Connects (or opens the file); an error here says what to fix in the configuration.
    func open() async throws(StoreError)
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws. No other
    /// statement of this process runs inside it.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T) async throws(StoreError) -> T
    /// Closes every connection; later statements fail.
    func close() async
}
