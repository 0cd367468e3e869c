import Foundation
import Logging
import NIOPosix
import SQLiteNIO

/// One SQLite file in WAL mode, through one connection that this actor owns. Statements run one at a
/// time, and a transaction holds the connection until it ends, so no other statement of this process
/// lands inside it. The connection has a thread of its own: waiting for another process's write lock
/// blocks that thread only, never the threads other work (or another database) needs.
public actor SQLiteDatabase: SQLDatabase {
    /// The database file.
    public nonisolated let path: String
    public nonisolated var dialect: SQLDialect { .sqlite }
    public nonisolated var displayName: String { path }
    private let logger: Logger
    private var connection: SQLiteConnection?
    private var opening: Task<SQLiteConnection, any Error>?
    private var closed = false
    /// Callers waiting for the connection while another statement or a transaction holds it, in arrival order.
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Started with the first open, stopped by ``close()``.
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private var threadStarted = false
    private var busy = false

    /// A database in `path` (its folder is created when missing).
    public init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    public func open() async throws(StoreError) {
        _ = try await db()
    }

    /// The open connection (opened once, however many callers ask at the same time).
    private func db() async throws(StoreError) -> SQLiteConnection {
        guard !closed else { throw StoreError("the call store \(path) is closed") }
        if let connection { return connection }
        let task: Task<SQLiteConnection, any Error>
        if let opening {
            task = opening
        } else {
            if !threadStarted {
                thread.start()
                threadStarted = true
            }
            let path = self.path, logger = self.logger, thread = self.thread
            task = Task { try await Self.connect(path: path, thread: thread, logger: logger) }
            opening = task
        }
        do {
            let opened = try await task.value
            connection = opened
            return opened
        } catch let error as StoreError {
            opening = nil
            throw error
        } catch {
            opening = nil
            throw StoreError("the call store \(path) could not be opened: \(error); check DATA_DIR is writable")
        }
    }

    private static func connect(path: String, thread: NIOThreadPool, logger: Logger) async throws -> SQLiteConnection {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the data folder \(folder): \(error.localizedDescription); set DATA_DIR to a writable folder")
        }
        var quiet = logger
        quiet.logLevel = .warning
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: thread, logger: quiet,
                                                         on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            // Another connection (a restarted gateway, a second store on the file) may hold the write
            // lock for a moment: wait for it, also while switching to WAL.
            _ = try await connection.query("PRAGMA busy_timeout = 5000")
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        await acquire()
        defer { release() }
        return try await run(sql, binds)
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T) async throws(StoreError) -> T {
        await acquire()
        defer { release() }
        try await run("BEGIN IMMEDIATE", [])
        do {
            let result = try await body(Transaction(database: self))
            try await run("COMMIT", [])
            return result
        } catch {
            _ = try? await run("ROLLBACK", [])
            throw error
        }
    }

    /// The executor a transaction's body gets: it runs on the connection the transaction holds.
    private struct Transaction: SQLExecutor {
        let database: SQLiteDatabase
        func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
            try await database.run(sql, binds)
        }
    }

    private func acquire() async {
        guard busy || !waiters.isEmpty else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()  // the connection passes straight to the next caller
        }
    }

    @discardableResult
    private func run(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        let connection = try await db()
        do {
            return try await connection.query(Self.sqliteSQL(sql), binds.map(Self.sqliteData)).map(Self.row)
        } catch {
            throw StoreError("the call store \(path) failed: \(error)")
        }
    }

    /// The store writes `$n`; SQLite reads `$n` as a named parameter numbered by first appearance, so
    /// it is turned into `?n`, which SQLite numbers as written.
    static func sqliteSQL(_ sql: String) -> String {
        sql.replacingOccurrences(of: #"\$([0-9]+)"#, with: "?$1", options: .regularExpression)
    }

    private static func sqliteData(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .text(let text): .text(text)
        case .integer(let integer): .integer(integer)
        case .real(let real): .float(real)
        case .null: .null
        }
    }

    private static func row(_ row: SQLiteRow) -> SQLRow {
        var columns: [String: SQLValue] = [:]
        for column in row.columns {
            switch column.data {
            case .text(let text): columns[column.name] = .text(text)
            case .integer(let integer): columns[column.name] = .integer(integer)
            case .float(let real): columns[column.name] = .real(real)
            case .blob, .null: columns[column.name] = .null
            }
        }
        return SQLRow(columns)
    }

    public func close() async {
        closed = true
        let opening = self.opening
        self.opening = nil
        connection = nil
        if let connection = try? await opening?.value { try? await connection.close() }
        if threadStarted {
            threadStarted = false
            try? await thread.shutdownGracefully()
        }
    }
}
