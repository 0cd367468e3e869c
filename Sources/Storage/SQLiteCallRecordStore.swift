import Foundation
import Logging
import SQLiteNIO

/// Call records in one SQLite file (WAL mode), created and migrated on first use. One connection,
/// owned by this actor, so writes are serialised; every statement binds its values (no SQL is ever
/// built from user input).
public actor SQLiteCallRecordStore: CallRecordStore {
    /// The database file.
    public nonisolated let path: String
    private let logger: Logger
    private var opening: Task<SQLiteConnection, any Error>?
    private var closed = false

    /// A store in `path` (its folder is created when missing).
    public init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// The store `DATA_DIR` holds: `<directory>/anpi-call.sqlite`.
    public static func inDirectory(_ directory: String, logger: Logger) -> SQLiteCallRecordStore {
        SQLiteCallRecordStore(path: URL(fileURLWithPath: directory).appendingPathComponent("anpi-call.sqlite").path, logger: logger)
    }

    /// Versioned migrations: each runs once, in order, inside a transaction, and is recorded in
    /// `schema_migrations`. Never edit a released one; add the next version.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE calls (
                id TEXT PRIMARY KEY, call_sid TEXT UNIQUE, direction TEXT NOT NULL, to_number TEXT,
                user_id TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '', audio_mode TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'queued', created_at REAL NOT NULL, answered_at REAL, ended_at REAL,
                end_reason TEXT, safety_status TEXT, safety_details TEXT, safety_location TEXT,
                transcript TEXT NOT NULL DEFAULT '[]', recording_path TEXT)
            """,
            "CREATE INDEX calls_by_created ON calls (created_at)",
            "CREATE INDEX calls_by_user ON calls (user_id, created_at)",
            "CREATE INDEX calls_by_status ON calls (status, created_at)",
            """
            CREATE TABLE call_status_events (
                call_sid TEXT NOT NULL, sequence INTEGER NOT NULL, status TEXT NOT NULL, timestamp TEXT,
                received_at REAL NOT NULL, PRIMARY KEY (call_sid, sequence))
            """,
        ]),
        (2, [
            """
            CREATE TABLE campaigns (
                id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL,
                state TEXT NOT NULL, options TEXT NOT NULL)
            """,
            """
            CREATE TABLE campaign_targets (
                campaign_id TEXT NOT NULL REFERENCES campaigns (id), position INTEGER NOT NULL, to_number TEXT NOT NULL,
                user_id TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, lease_until REAL,
                last_call_id TEXT, last_call_sid TEXT, outcome TEXT, safety_status TEXT,
                PRIMARY KEY (campaign_id, position))
            """,
            "CREATE INDEX campaign_targets_due ON campaign_targets (campaign_id, state, next_attempt_at)",
            "CREATE INDEX campaign_targets_by_call_sid ON campaign_targets (last_call_sid)",
            "CREATE INDEX campaign_targets_by_call_id ON campaign_targets (last_call_id)",
        ]),
    ]

    public func prepare() async throws(StoreError) {
        _ = try await db()
    }

    /// The open, migrated connection (opened once, however many callers ask at the same time).
    private func db() async throws(StoreError) -> SQLiteConnection {
        guard !closed else { throw StoreError("the call store \(path) is closed") }
        let task: Task<SQLiteConnection, any Error>
        if let opening {
            task = opening
        } else {
            let path = self.path, logger = self.logger
            task = Task { try await Self.open(path: path, logger: logger) }
            opening = task
        }
        do {
            return try await task.value
        } catch let error as StoreError {
            opening = nil
            throw error
        } catch {
            opening = nil
            throw StoreError("the call store \(path) could not be opened: \(error); check DATA_DIR is writable")
        }
    }

    private static func open(path: String, logger: Logger) async throws -> SQLiteConnection {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the data folder \(folder): \(error.localizedDescription); set DATA_DIR to a writable folder")
        }
        var quiet = logger
        quiet.logLevel = .warning
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: quiet)
        do {
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            _ = try await connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
            let applied = Set(try await connection.query("SELECT version FROM schema_migrations").compactMap { $0.column("version")?.integer })
            for migration in migrations where !applied.contains(migration.version) {
                _ = try await connection.query("BEGIN IMMEDIATE")
                do {
                    for statement in migration.statements { _ = try await connection.query(statement) }
                    _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                                   [.integer(migration.version), .float(Date().timeIntervalSince1970)])
                    _ = try await connection.query("COMMIT")
                } catch {
                    _ = try? await connection.query("ROLLBACK")
                    throw StoreError("migration \(migration.version) of \(path) failed: \(error)")
                }
                logger.notice("call store: applied migration \(migration.version)", metadata: ["path": "\(path)"])
            }
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func run(_ sql: String, _ binds: [SQLiteData] = []) async throws(StoreError) -> [SQLiteRow] {
        let connection = try await db()
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw StoreError("the call store \(path) failed: \(error)")
        }
    }

    static func text(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
    static func time(_ value: Date?) -> SQLiteData { value.map { .float($0.timeIntervalSince1970) } ?? .null }

    /// Recomputes a call's latest status (by sequence) and answer time from its status events.
    private static let refreshStatus = """
        UPDATE calls SET
            status = COALESCE((SELECT status FROM call_status_events WHERE call_sid = ?1 ORDER BY sequence DESC LIMIT 1), status),
            answered_at = COALESCE(answered_at, (SELECT MIN(received_at) FROM call_status_events WHERE call_sid = ?1 AND status = 'in-progress'))
        WHERE call_sid = ?1
        """

    public func callStarted(_ call: StoredCall) async throws(StoreError) {
        _ = try await run("""
            INSERT INTO calls (id, call_sid, direction, to_number, user_id, message, audio_mode, created_at, recording_path)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (id) DO UPDATE SET
                call_sid = COALESCE(calls.call_sid, excluded.call_sid),
                to_number = COALESCE(calls.to_number, excluded.to_number),
                audio_mode = CASE WHEN calls.audio_mode = '' THEN excluded.audio_mode ELSE calls.audio_mode END,
                recording_path = COALESCE(excluded.recording_path, calls.recording_path)
            """, [.text(call.id), Self.text(call.callSID), .text(call.direction), Self.text(call.toNumber), .text(call.userID), .text(call.message),
                  .text(call.audioMode), Self.time(call.createdAt), Self.text(call.recordingPath)])
        if let sid = call.callSID { _ = try await run(Self.refreshStatus, [.text(sid)]) }
    }

    public func statusCallback(callSID: String, callID: String?, event: StoredCall.StatusEvent) async throws(StoreError) {
        if let callID {
            _ = try await run("UPDATE calls SET call_sid = ?2 WHERE id = ?1 AND call_sid IS NULL", [.text(callID), .text(callSID)])
        }
        _ = try await run("""
            INSERT INTO call_status_events (call_sid, sequence, status, timestamp, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (call_sid, sequence) DO NOTHING
            """, [.text(callSID), .integer(event.sequence), .text(event.status), Self.text(event.timestamp), Self.time(event.receivedAt)])
        _ = try await run(Self.refreshStatus, [.text(callSID)])
        if Self.finalStatuses.contains(event.status) {
            // A call that never streamed ends here; one that did gets the bridge's own end (callEnded) instead.
            _ = try await run("UPDATE calls SET ended_at = COALESCE(ended_at, ?2), end_reason = COALESCE(end_reason, ?3) WHERE call_sid = ?1",
                              [.text(callSID), Self.time(event.receivedAt), .text(event.status)])
        }
    }

    public func callEnded(id: String, endedAt: Date, endReason: String, safety: StoredCall.Safety?, transcript: [StoredCall.Line]) async throws(StoreError) {
        let lines = (try? JSONEncoder().encode(transcript)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        _ = try await run("""
            UPDATE calls SET ended_at = ?2, end_reason = ?3, safety_status = ?4, safety_details = ?5, safety_location = ?6, transcript = ?7
            WHERE id = ?1
            """, [.text(id), Self.time(endedAt), .text(endReason), Self.text(safety?.status), Self.text(safety?.details), Self.text(safety?.location), .text(lines)])
        // A campaign's target shows the safety status its call recorded.
        if let status = safety?.status {
            _ = try await run("UPDATE campaign_targets SET safety_status = ?2 WHERE last_call_id = ?1", [.text(id), .text(status)])
        }
    }

    public func call(id: String) async throws(StoreError) -> StoredCall? {
        guard let row = try await run("SELECT * FROM calls WHERE id = ?", [.text(id)]).first else { return nil }
        return try await decode(row)
    }

    public func calls(_ query: CallQuery) async throws(StoreError) -> [StoredCall] {
        // Only constant fragments go into the SQL; every value is bound.
        var clauses: [String] = []
        var binds: [SQLiteData] = []
        if let status = query.status { clauses.append("status = ?"); binds.append(.text(status)) }
        if let user = query.userID { clauses.append("user_id = ?"); binds.append(.text(user)) }
        if let since = query.since { clauses.append("created_at >= ?"); binds.append(.float(since.timeIntervalSince1970)) }
        binds.append(.integer(query.limit))
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        var out: [StoredCall] = []
        for row in try await run("SELECT * FROM calls" + filter + " ORDER BY created_at DESC, id LIMIT ?", binds) {
            out.append(try await decode(row))
        }
        return out
    }

    private func decode(_ row: SQLiteRow) async throws(StoreError) -> StoredCall {
        func string(_ name: String) -> String? { row.column(name)?.string }
        func date(_ name: String) -> Date? { row.column(name)?.double.map { Date(timeIntervalSince1970: $0) } }
        let sid = string("call_sid")
        var events: [StoredCall.StatusEvent] = []
        if let sid {
            for e in try await run("SELECT sequence, status, timestamp, received_at FROM call_status_events WHERE call_sid = ? ORDER BY sequence", [.text(sid)]) {
                events.append(.init(sequence: e.column("sequence")?.integer ?? 0, status: e.column("status")?.string ?? "",
                                    timestamp: e.column("timestamp")?.string, receivedAt: Date(timeIntervalSince1970: e.column("received_at")?.double ?? 0)))
            }
        }
        let safety = string("safety_status").map { StoredCall.Safety(status: $0, details: string("safety_details") ?? "", location: string("safety_location") ?? "") }
        let transcript = (try? JSONDecoder().decode([StoredCall.Line].self, from: Data((string("transcript") ?? "[]").utf8))) ?? []
        return StoredCall(id: string("id") ?? "", callSID: sid, direction: string("direction") ?? "", toNumber: string("to_number"),
                          userID: string("user_id") ?? "", message: string("message") ?? "", audioMode: string("audio_mode") ?? "",
                          status: string("status") ?? "queued", statusEvents: events, createdAt: date("created_at") ?? Date(timeIntervalSince1970: 0),
                          answeredAt: date("answered_at"), endedAt: date("ended_at"), endReason: string("end_reason"), safety: safety,
                          transcript: transcript, recordingPath: string("recording_path"))
    }

    public func close() async {
        closed = true
        guard let opening else { return }
        self.opening = nil
        if let connection = try? await opening.value { try? await connection.close() }
    }
}
