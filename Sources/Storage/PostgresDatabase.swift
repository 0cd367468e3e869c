import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// A PostgreSQL database shared by every gateway instance (`DATABASE_URL`), through postgres-nio's
/// connection pool. Every statement has a deadline, so a database that stops answering fails the
/// statement (and the gateway carries on) instead of holding a call.
public final class PostgresDatabase: SQLDatabase {
    public var dialect: SQLDialect { .postgres }
    public var displayName: String { settings.description }
    /// The server and database.
    public let settings: PostgresConnectionSettings
    private let client: PostgresClient
    private let logger: Logger
    private let runner: Task<Void, Never>
    private let statementTimeout: Duration

    /// A pool of at most `maxConnections` to the database `settings` names; nothing connects until
    /// ``open()``.
    public init(settings: PostgresConnectionSettings, maxConnections: Int = 8, statementTimeout: Duration = .seconds(10), logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.statementTimeout = statementTimeout
        var configuration = PostgresClient.Configuration(host: settings.host, port: settings.port, username: settings.username,
                                                         password: settings.password, database: settings.database, tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = max(1, maxConnections)
        configuration.options.connectTimeout = .seconds(5)
        var quiet = logger
        quiet.logLevel = .warning
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.client = client
        runner = Task { await client.run() }
    }

    /// The TLS settings `mode` asks for (libpq's meaning), and whether TLS is required; nil: plain TCP.
    private static func tlsSettings(_ mode: PostgresConnectionSettings.TLSMode) -> (configuration: TLSConfiguration, required: Bool)? {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return nil
        case .prefer: return (unverified, false)
        case .require: return (unverified, true)
        case .verifyFull: return (.makeClientConfiguration(), true)
        }
    }

    private static func tls(_ mode: PostgresConnectionSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        guard let tls = tlsSettings(mode) else { return .disable }
        return tls.required ? .require(tls.configuration) : .prefer(tls.configuration)
    }

    /// Connects once outside the pool, so that a wrong address, password or database name is a clear
    /// error at start-up (the pool would keep retrying in the background).
    public func open() async throws(StoreError) {
        do {
            var configuration = PostgresConnection.Configuration(host: settings.host, port: settings.port, username: settings.username,
                                                                 password: settings.password, database: settings.database,
                                                                 tls: try Self.connectionTLS(settings.tls))
            configuration.options.connectTimeout = .seconds(5)
            var quiet = logger
            quiet.logLevel = .critical
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: quiet)
            try await connection.close()
        } catch {
            throw StoreError("cannot open the PostgreSQL call store \(settings): \(Self.reason(error)); check DATABASE_URL and that the server is up")
        }
    }

    private static func connectionTLS(_ mode: PostgresConnectionSettings.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        guard let tls = tlsSettings(mode) else { return .disable }
        let context = try NIOSSLContext(configuration: tls.configuration)
        return tls.required ? .require(context) : .prefer(context)
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        try await withDeadline { [client] in
            try await Self.collect(client.query(Self.query(sql, binds)))
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T) async throws(StoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(Transaction(connection: connection, logger: self.logger))
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw describe(error)
        }
    }

    /// The executor a transaction's body gets: it runs on the transaction's connection.
    private struct Transaction: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
            do {
                return try await PostgresDatabase.collect(connection.query(PostgresDatabase.query(sql, binds), logger: logger))
            } catch {
                throw StoreError("the PostgreSQL call store failed: \(PostgresDatabase.reason(error))")
            }
        }
    }

    /// Runs `work`, failing with a clear error when it takes longer than the statement deadline.
    private func withDeadline(_ work: @escaping @Sendable () async throws -> [SQLRow]) async throws(StoreError) -> [SQLRow] {
        let timeout = statementTimeout
        do {
            return try await withThrowingTaskGroup(of: [SQLRow]?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let rows = first else {
                    throw StoreError("the PostgreSQL call store \(settings) did not answer within \(timeout); check that it is up and reachable")
                }
                return rows
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw describe(error)
        }
    }

    private func describe(_ error: any Error) -> StoreError {
        StoreError("the PostgreSQL call store \(settings) failed: \(Self.reason(error))")
    }

    /// What went wrong, in words: the server's message, or the connection's failure (postgres-nio's
    /// own description hides both, to keep data out of logs).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    static func query(_ sql: String, _ binds: [SQLValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var out: [SQLRow] = []
        for try await row in rows {
            var columns: [String: SQLValue] = [:]
            for cell in row {
                columns[cell.columnName] = try value(cell)
            }
            out.append(SQLRow(columns))
        }
        return out
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    public func close() async {
        runner.cancel()
        await runner.value
    }
}
