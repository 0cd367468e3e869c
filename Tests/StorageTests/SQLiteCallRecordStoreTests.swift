import Foundation
import Logging
import Storage
import Testing

/// The SQLite call store on a fresh file per test: records, callbacks in any order, queries,
/// migrations applied once, and what survives a reopen.
@Suite struct SQLiteCallRecordStoreTests {
    static func withStore(_ body: (SQLiteCallRecordStore, String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteCallRecordStore.inDirectory(folder, logger: Logger(label: "store-test"))
        do {
            try await body(store, folder)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func outbound(_ id: String, sid: String, user: String = "u-1", at: Date = t0) -> StoredCall {
        StoredCall(id: id, callSID: sid, direction: "outbound", toNumber: "+819012345678", userID: user, message: "地震の安否確認です",
                   audioMode: "pcmu", createdAt: at)
    }

    @Test func aCallsWholeLifeIsKept() async throws {
        try await Self.withStore { store, folder in
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
            #expect(FileManager.default.fileExists(atPath: folder + "/anpi-call.sqlite"))
        }
    }

    @Test func callbacksBeforeTheRecordAreNotLost() async throws {
        try await Self.withStore { store, _ in
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

    @Test func queriesFilterAndOrderNewestFirst() async throws {
        try await Self.withStore { store, _ in
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

    @Test func migrationsRunOnceAndRecordsSurviveAReopen() async throws {
        try await Self.withStore { store, folder in
            try await store.prepare()
            try await store.callStarted(Self.outbound("c_keep", sid: "CAkeep"))
            await store.close()
            // Another process (or a restart) opens the same file: nothing re-applied, nothing lost.
            let reopened = SQLiteCallRecordStore.inDirectory(folder, logger: Logger(label: "store-test"))
            try await reopened.prepare()
            #expect(try await reopened.call(id: "c_keep")?.callSID == "CAkeep")
            await reopened.close()
        }
    }

    @Test func anUnwritableFolderIsAClearError() async throws {
        let store = SQLiteCallRecordStore.inDirectory("/proc/anpi-call-cannot-write-here", logger: Logger(label: "store-test"))
        await #expect {
            try await store.prepare()
        } throws: { error in
            (error as? StoreError)?.message.contains("DATA_DIR") == true
        }
    }
}
