import Foundation
import Logging
import Scenario
@testable import Storage
import Testing

/// The call store on SQLite and PostgreSQL, a fresh database per test: records, callbacks in any
/// order, queries, migrations applied once (also by instances starting together), what survives a
/// reopen, and stream tokens used once across instances.
@Suite struct CallRecordStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func outbound(_ id: String, sid: String, user: String = "u-1", at: Date = t0) -> StoredCall {
        StoredCall(id: id, callSID: sid, direction: "outbound", toNumber: "+819012345678", userID: user, message: "地震の安否確認です",
                   audioMode: "pcmu", createdAt: at)
    }

    @Test(arguments: StoreUnderTest.available)
    func aCallsWholeLifeIsKept(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            try await store.callStarted(Self.outbound("c_1", sid: "CA1"))
            // Callbacks out of order, one repeated (Twilio retries).
            for (seq, status) in [(2, "in-progress"), (0, "initiated"), (3, "completed"), (1, "ringing"), (2, "in-progress")] {
                try await store.statusCallback(callSID: "CA1", callID: nil, event: .init(sequence: seq, status: status, timestamp: "Mon, 23 Nov 2026 10:00:0\(seq) +0000",
                                                                            receivedAt: Self.t0.addingTimeInterval(Double(seq))))
            }
            let transcript = [StoredCall.Line(speaker: "callee", text: "もしもし", atMilliseconds: 300),
                              StoredCall.Line(speaker: "assistant", text: "安否確認のお電話です", atMilliseconds: 900, cutAtMilliseconds: 1200)]
            try await store.callEnded(id: "c_1", endedAt: Self.t0.addingTimeInterval(30), endReason: "completed",
                                      safety: .init(status: "safe", details: "けがなし", location: "自宅"), transcript: transcript)
            let call = try #require(try await store.call(id: "c_1"))
            #expect(call.statusEvents.map(\.status) == ["initiated", "ringing", "in-progress", "completed"])
            #expect(call.status == "completed" && call.answeredAt == Self.t0.addingTimeInterval(2))
            #expect(call.endReason == "completed" && call.endedAt == Self.t0.addingTimeInterval(30))
            #expect(call.safety == .init(status: "safe", details: "けがなし", location: "自宅"))
            #expect(call.transcript == transcript && call.message == "地震の安否確認です" && call.userID == "u-1" && call.direction == "outbound")
            #expect(try await store.call(id: "c_unknown") == nil)
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func callbacksBeforeTheRecordAreNotLost(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            // Twilio can call back before its create answer reaches us.
            try await store.statusCallback(callSID: "CA2", callID: nil, event: .init(sequence: 0, status: "initiated", timestamp: nil, receivedAt: Self.t0))
            try await store.statusCallback(callSID: "CA2", callID: nil, event: .init(sequence: 1, status: "ringing", timestamp: nil, receivedAt: Self.t0))
            try await store.callStarted(Self.outbound("c_2", sid: "CA2"))
            let call = try #require(try await store.call(id: "c_2"))
            #expect(call.status == "ringing" && call.statusEvents.count == 2)
            // The stream start of the same call fills in nothing new and changes nothing.
            try await store.callStarted(StoredCall(id: "c_2", callSID: "CA2", direction: "inbound", toNumber: nil, userID: "", message: "",
                                                   audioMode: "pcm24k", createdAt: Self.t0.addingTimeInterval(5)))
            let again = try #require(try await store.call(id: "c_2"))
            #expect(again.direction == "outbound" && again.audioMode == "pcmu" && again.createdAt == Self.t0 && again.toNumber == "+819012345678")
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func queriesFilterAndOrderNewestFirst(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            for i in 0..<6 {
                try await store.callStarted(Self.outbound("c_\(i)", sid: "CA\(i)", user: i % 2 == 0 ? "even" : "odd", at: Self.t0.addingTimeInterval(Double(i) * 60)))
                try await store.statusCallback(callSID: "CA\(i)", callID: nil, event: .init(sequence: 0, status: i < 3 ? "completed" : "no-answer", timestamp: nil, receivedAt: Self.t0))
            }
            #expect(try await store.calls(CallQuery()).map(\.id) == ["c_5", "c_4", "c_3", "c_2", "c_1", "c_0"])
            #expect(try await store.calls(CallQuery(status: "no-answer")).map(\.id) == ["c_5", "c_4", "c_3"])
            #expect(try await store.calls(CallQuery(userID: "even")).map(\.id) == ["c_4", "c_2", "c_0"])
            #expect(try await store.calls(CallQuery(status: "completed", userID: "odd")).map(\.id) == ["c_1"])
            #expect(try await store.calls(CallQuery(since: Self.t0.addingTimeInterval(240))).map(\.id) == ["c_5", "c_4"])
            #expect(try await store.calls(CallQuery(limit: 2)).count == 2)
            // A value that looks like SQL is only ever a value.
            #expect(try await store.calls(CallQuery(userID: "x' OR '1'='1")).isEmpty)
            #expect(try await store.calls(CallQuery()).count == 6)
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func migrationsRunOnceAndRecordsSurviveAReopen(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, another in
            // Instances starting together: one migrates, the others find it done.
            let others = (0..<3).map { _ in another() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.prepare() }
                for other in others { group.addTask { try await other.prepare() } }
                try await group.waitForAll()
            }
            let versions = try await store.database.query("SELECT version FROM schema_migrations ORDER BY version", []).count
            #expect(versions == 3)
            try await store.callStarted(Self.outbound("c_keep", sid: "CAkeep"))
            await store.close()
            // Another process (or a restart) opens the same database: nothing re-applied, nothing lost.
            let reopened = another()
            try await reopened.prepare()
            #expect(try await reopened.call(id: "c_keep")?.callSID == "CAkeep")
            #expect(try await reopened.database.query("SELECT version FROM schema_migrations", []).count == 3)
            await reopened.close()
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func aStreamTokenIsUsedOnceAcrossInstances(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, another in
            let other = another()
            let now = 1_795_000_000
            var answers: [Bool] = []
            answers.append(try await store.claimStreamToken(callID: "c_tok", expiresAt: now + 60, now: now))
            // The other instance is refused, and so is this one.
            answers.append(try await other.claimStreamToken(callID: "c_tok", expiresAt: now + 60, now: now + 1))
            answers.append(try await store.claimStreamToken(callID: "c_tok", expiresAt: now + 60, now: now + 2))
            answers.append(try await other.claimStreamToken(callID: "c_tok2", expiresAt: now + 60, now: now + 2))
            // Once expired it is forgotten (the token itself is refused as expired by then).
            answers.append(try await other.claimStreamToken(callID: "c_tok", expiresAt: now + 600, now: now + 61))
            #expect(answers == [true, false, false, true, true])
            let remembered = try await store.database.query("SELECT call_id FROM used_stream_tokens", []).count
            #expect(remembered == 1)
        }
    }

    @Test func theSQLIsWrittenOnceForBothDatabases() {
        #expect(SQLiteDatabase.sqliteSQL("UPDATE t SET a = $2 WHERE id = $1 AND b = $12") == "UPDATE t SET a = ?2 WHERE id = ?1 AND b = ?12")
        #expect(SQLDialect.postgres.ddl("CREATE TABLE t (a INTEGER NOT NULL, b REAL, c TEXT)")
                == "CREATE TABLE t (a BIGINT NOT NULL, b DOUBLE PRECISION, c TEXT)")
        #expect(SQLDialect.sqlite.ddl("b REAL") == "b REAL")
    }

    @Test func databaseURLsAreReadAsLibpqWritesThem() throws {
        let url = try PostgresConnectionSettings(url: "postgres://anpi:p%40ss@db.internal:6543/calls?sslmode=require")
        #expect(url.host == "db.internal" && url.port == 6543 && url.username == "anpi" && url.password == "p@ss" && url.database == "calls" && url.tls == .require)
        #expect(url.description == "postgres://anpi@db.internal:6543/calls")
        let plain = try PostgresConnectionSettings(url: "postgresql://anpi@localhost/anpi")
        #expect(plain.port == 5432 && plain.password == nil && plain.tls == .prefer)
        for (bad, says) in [("mysql://a@b/c", "postgres://"), ("postgres://a@b", "names no database"), ("postgres:///c", "no host"),
                            ("postgres://b/c", "no user name"), ("postgres://a@b/c?sslmode=maybe", "sslmode"), ("postgres://a@b/c?pool=3", "not supported")] {
            #expect(throws: StoreError.self, "\(bad)") { try PostgresConnectionSettings(url: bad) }
            do { _ = try PostgresConnectionSettings(url: bad) } catch { #expect(error.message.contains(says), "\(bad): \(error.message)") }
        }
    }

    @Test(.enabled(if: TestPostgres.baseURL != nil, "needs ANPI_TEST_DATABASE_URL"))
    func aWrongPasswordOrAServerThatIsDownIsAClearError() async throws {
        let base = try #require(TestPostgres.baseURL)
        var wrong = try #require(URLComponents(string: base))
        wrong.password = "not-the-password"
        let store = try SQLStore.postgres(url: try #require(wrong.string), logger: Logger(label: "store-test"))
        await #expect { try await store.prepare() } throws: { error in
            let message = (error as? StoreError)?.message ?? ""
            return message.contains("password authentication failed") && message.contains("DATABASE_URL") && !message.contains("not-the-password")
        }
        await store.close()
        let port = try LoopbackPort.free()
        let down = try SQLStore.postgres(url: "postgres://anpi@127.0.0.1:\(port)/anpi?sslmode=disable", logger: Logger(label: "store-test"))
        await #expect { try await down.prepare() } throws: { error in
            ((error as? StoreError)?.message ?? "").contains("check DATABASE_URL and that the server is up")
        }
        await down.close()
    }

    @Test func anUnwritableFolderIsAClearError() async throws {
        let store = SQLStore.sqlite(inDirectory: "/proc/anpi-call-cannot-write-here", logger: Logger(label: "store-test"))
        await #expect {
            try await store.prepare()
        } throws: { error in
            (error as? StoreError)?.message.contains("DATA_DIR") == true
        }
    }
}
