import Foundation
import Logging

/// Call records, campaigns and used stream tokens in one SQL database: SQLite under `DATA_DIR` by
/// default, PostgreSQL when `DATABASE_URL` is set so that several gateway instances share them. The
/// SQL is written once for both (``SQLDialect`` holds the few differences); every value is bound,
/// never written into the SQL.
public final class SQLStore: CallRecordStore {
    /// The database the store runs on.
    public let database: any SQLDatabase
    private let logger: Logger
    private let migrated: Migrated

    /// A store on `database`, migrated by ``prepare()`` (or on first use).
    public init(database: any SQLDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
        migrated = Migrated()
    }

    /// The SQLite store `DATA_DIR` holds: `<directory>/anpi-call.sqlite`.
    public static func sqlite(inDirectory directory: String, logger: Logger) -> SQLStore {
        SQLStore(database: SQLiteDatabase(path: URL(fileURLWithPath: directory).appendingPathComponent("anpi-call.sqlite").path, logger: logger),
                 logger: logger)
    }

    /// The PostgreSQL store `url` (`DATABASE_URL`) names; nothing connects until ``prepare()``.
    public static func postgres(url: String, logger: Logger) throws(StoreError) -> SQLStore {
        SQLStore(database: PostgresDatabase(settings: try PostgresConnectionSettings(url: url), logger: logger), logger: logger)
    }

    /// Whether the schema is up to date (checked once per process, however many callers ask at once).
    private actor Migrated {
        private var task: Task<Void, any Error>?

        func ensure(_ work: @escaping @Sendable () async throws(StoreError) -> Void) async throws(StoreError) {
            let task = self.task ?? Task { try await work() }
            self.task = task
            do {
                try await task.value
            } catch {
                self.task = nil
                throw error as? StoreError ?? StoreError("\(error)")
            }
        }
    }

    public func prepare() async throws(StoreError) {
        let database = self.database, logger = self.logger
        try await migrated.ensure { () throws(StoreError) in
            try await database.open()
            for version in try await StoreMigrations.apply(to: database) {
                logger.notice("call store: applied migration \(version)", metadata: ["store": "\(database.displayName)"])
            }
        }
    }

    /// Runs one statement once the store is ready.
    func run(_ sql: String, _ binds: [SQLValue] = []) async throws(StoreError) -> [SQLRow] {
        try await prepare()
        return try await database.query(sql, binds)
    }

    /// Twilio's final call statuses, as constant SQL (`IN (…)`).
    static let finalStatuses = ["completed", "busy", "no-answer", "failed", "canceled"]
    static let finalStatusList = "(" + finalStatuses.map { "'\($0)'" }.joined(separator: ", ") + ")"

    /// Recomputes a call's latest status (by sequence) and answer time from its status events.
    private static let refreshStatus = """
        UPDATE calls SET
            status = COALESCE((SELECT status FROM call_status_events WHERE call_sid = $1 ORDER BY sequence DESC LIMIT 1), status),
            answered_at = COALESCE(answered_at, (SELECT MIN(received_at) FROM call_status_events WHERE call_sid = $1 AND status = 'in-progress'))
        WHERE call_sid = $1
        """

    public func callStarted(_ call: StoredCall) async throws(StoreError) {
        _ = try await run("""
            INSERT INTO calls (id, call_sid, direction, to_number, user_id, message, audio_mode, created_at, recording_path)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET
                call_sid = COALESCE(calls.call_sid, excluded.call_sid),
                to_number = COALESCE(calls.to_number, excluded.to_number),
                audio_mode = CASE WHEN calls.audio_mode = '' THEN excluded.audio_mode ELSE calls.audio_mode END,
                recording_path = COALESCE(excluded.recording_path, calls.recording_path)
            """, [.text(call.id), .nullable(call.callSID), .text(call.direction), .nullable(call.toNumber), .text(call.userID), .text(call.message),
                  .text(call.audioMode), .time(call.createdAt), .nullable(call.recordingPath)])
        if let sid = call.callSID { _ = try await run(Self.refreshStatus, [.text(sid)]) }
    }

    public func statusCallback(callSID: String, callID: String?, event: StoredCall.StatusEvent) async throws(StoreError) {
        if let callID {
            _ = try await run("UPDATE calls SET call_sid = $2 WHERE id = $1 AND call_sid IS NULL", [.text(callID), .text(callSID)])
        }
        _ = try await run("""
            INSERT INTO call_status_events (call_sid, sequence, status, timestamp, received_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (call_sid, sequence) DO NOTHING
            """, [.text(callSID), .integer(event.sequence), .text(event.status), .nullable(event.timestamp), .time(event.receivedAt)])
        _ = try await run(Self.refreshStatus, [.text(callSID)])
        if Self.finalStatuses.contains(event.status) {
            // A call that never streamed ends here; one that did gets the bridge's own end (callEnded) instead.
            _ = try await run("UPDATE calls SET ended_at = COALESCE(ended_at, $2), end_reason = COALESCE(end_reason, $3) WHERE call_sid = $1",
                              [.text(callSID), .time(event.receivedAt), .text(event.status)])
        }
    }

    public func callEnded(id: String, endedAt: Date, endReason: String, safety: StoredCall.Safety?, transcript: [StoredCall.Line]) async throws(StoreError) {
        let lines = (try? JSONEncoder().encode(transcript)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        _ = try await run("""
            UPDATE calls SET ended_at = $2, end_reason = $3, safety_status = $4, safety_details = $5, safety_location = $6, transcript = $7
            WHERE id = $1
            """, [.text(id), .time(endedAt), .text(endReason), .nullable(safety?.status), .nullable(safety?.details), .nullable(safety?.location), .text(lines)])
        // A campaign's target shows the safety status its call recorded.
        if let status = safety?.status {
            _ = try await run("UPDATE campaign_targets SET safety_status = $2 WHERE last_call_id = $1", [.text(id), .text(status)])
        }
    }

    public func call(id: String) async throws(StoreError) -> StoredCall? {
        guard let row = try await run("SELECT * FROM calls WHERE id = $1", [.text(id)]).first else { return nil }
        return try await decodeCall(row)
    }

    public func calls(_ query: CallQuery) async throws(StoreError) -> [StoredCall] {
        // Only constant fragments go into the SQL; every value is bound.
        var clauses: [String] = []
        var binds: [SQLValue] = []
        func filter(_ column: String, _ op: String, _ value: SQLValue) {
            binds.append(value)
            clauses.append("\(column) \(op) $\(binds.count)")
        }
        if let status = query.status { filter("status", "=", .text(status)) }
        if let user = query.userID { filter("user_id", "=", .text(user)) }
        if let since = query.since { filter("created_at", ">=", .time(since)) }
        binds.append(.integer(query.limit))
        let filters = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        var out: [StoredCall] = []
        for row in try await run("SELECT * FROM calls" + filters + " ORDER BY created_at DESC, id LIMIT $\(binds.count)", binds) {
            out.append(try await decodeCall(row))
        }
        return out
    }

    private func decodeCall(_ row: SQLRow) async throws(StoreError) -> StoredCall {
        let sid = row.string("call_sid")
        var events: [StoredCall.StatusEvent] = []
        if let sid {
            for e in try await run("SELECT sequence, status, timestamp, received_at FROM call_status_events WHERE call_sid = $1 ORDER BY sequence", [.text(sid)]) {
                events.append(.init(sequence: e.int("sequence") ?? 0, status: e.string("status") ?? "", timestamp: e.string("timestamp"),
                                    receivedAt: e.date("received_at") ?? Date(timeIntervalSince1970: 0)))
            }
        }
        let safety = row.string("safety_status").map {
            StoredCall.Safety(status: $0, details: row.string("safety_details") ?? "", location: row.string("safety_location") ?? "")
        }
        let transcript = (try? JSONDecoder().decode([StoredCall.Line].self, from: Data((row.string("transcript") ?? "[]").utf8))) ?? []
        return StoredCall(id: row.string("id") ?? "", callSID: sid, direction: row.string("direction") ?? "", toNumber: row.string("to_number"),
                          userID: row.string("user_id") ?? "", message: row.string("message") ?? "", audioMode: row.string("audio_mode") ?? "",
                          status: row.string("status") ?? "queued", statusEvents: events, createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0),
                          answeredAt: row.date("answered_at"), endedAt: row.date("ended_at"), endReason: row.string("end_reason"), safety: safety,
                          transcript: transcript, recordingPath: row.string("recording_path"))
    }

    public func close() async {
        await database.close()
    }
}
