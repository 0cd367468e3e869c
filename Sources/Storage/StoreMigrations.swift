import Foundation

/// The store's versioned schema: each migration runs once, in order, inside one transaction with the
/// others still missing, and is recorded in `schema_migrations`. Never edit a released one; add the
/// next version. Written for SQLite; ``SQLDialect/ddl(_:)`` adapts the types for PostgreSQL.
enum StoreMigrations {
    static let all: [(version: Int, statements: [String])] = [
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
        (3, [
            // Stream tokens already used, shared by every instance on the store (single use across them).
            "CREATE TABLE used_stream_tokens (call_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
            "CREATE INDEX used_stream_tokens_by_expiry ON used_stream_tokens (expires_at)",
        ]),
    ]

    /// Applies what `database` lacks, in one transaction (instances starting together take turns);
    /// returns the versions applied.
    static func apply(to database: any SQLDatabase) async throws(StoreError) -> [Int] {
        let dialect = database.dialect
        return try await database.transaction { db throws(StoreError) in
            if let lock = dialect.migrationLock { try await db.execute(lock) }
            try await db.execute(dialect.ddl("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)"))
            let applied = Set(try await db.query("SELECT version FROM schema_migrations", []).compactMap { $0.int("version") })
            var done: [Int] = []
            for migration in all where !applied.contains(migration.version) {
                do {
                    for statement in migration.statements { try await db.execute(dialect.ddl(statement)) }
                } catch {
                    throw StoreError("migration \(migration.version) of \(database.displayName) failed: \(error)")
                }
                try await db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                                     [.integer(migration.version), .time(Date())])
                done.append(migration.version)
            }
            return done
        }
    }
}
