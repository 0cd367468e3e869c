import Foundation
import Scenario
import Simulators
import Testing

/// Issue 7: two gateway processes sharing one PostgreSQL store run one campaign together. Each number
/// is dialled once per attempt, however the two interleave; when one of them is killed, the other
/// takes over its claims and finishes the campaign; no call Twilio received loses its record.
@Suite struct SharedPostgresTests {
    static func number(_ i: Int) -> String { "+8190000003" + (i < 10 ? "0\(i)" : "\(i)") }

    @Test(.enabled(if: TestPostgres.baseURL != nil, "needs ANPI_TEST_DATABASE_URL (the StorageTests say when it is missing)"),
          .timeLimit(.minutes(3)))
    func twoGatewaysNeverDialTheSameNumberTwice() async throws {
        let count = 40
        var config = TwilioAPISimulator.Configuration()
        config.verifiedCallerIDs = Set((0..<count).map(Self.number))
        config.ringDuration = .milliseconds(100)
        config.callDuration = .seconds(2)
        for i in stride(from: 0, to: count, by: 5) { config.unanswered[Self.number(i)] = [.noAnswer] }
        let twilio = TwilioAPISimulator(configuration: config)
        let twilioURL = try await twilio.start()
        defer { Task { await twilio.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        try await TestPostgres.withScratchDatabase { databaseURL in
            let (portA, portB) = (try LoopbackPort.free(), try LoopbackPort.free())
            // Behind a load balancer Twilio's callbacks reach whichever instance is up; here they all go
            // to B, the one that stays, so A's calls are settled after A is killed.
            let shared = ["DATABASE_URL": databaseURL, "PUBLIC_BASE_URL": "http://127.0.0.1:\(portB)"]
            let (a, logA) = try CrashRecoveryTests.startGateway(port: portA, folder: folder, twilioURL: twilioURL, environment: shared)
            defer { if a.isRunning { a.terminate() } }
            let (b, logB) = try CrashRecoveryTests.startGateway(port: portB, folder: folder, twilioURL: twilioURL, environment: shared)
            defer { if b.isRunning { b.terminate() } }
            try await logA.wait(for: "listening on")
            try await logB.wait(for: "listening on")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data").path), "a gateway used SQLite")

            let csv = "to_number,user_id\n" + (0..<count).map { "\(Self.number($0)),u\($0)" }.joined(separator: "\n") + "\n"
            let created = try await CrashRecoveryTests.request(
                .POST, "http://127.0.0.1:\(portA)/campaigns?calls_per_second=6&max_concurrent=16&max_attempts=2&retry_delay_seconds=0", body: csv)
            let id = try #require(created["campaign_id"] as? String)

            // Both dial (the queue is shared), then A dies with calls in flight.
            try await logA.wait(for: "call placed")
            try await logB.wait(for: "call placed")
            try await Task.sleep(for: .milliseconds(500))
            kill(a.processIdentifier, SIGKILL)
            a.waitUntilExit()
            let placedByA = logA.text.components(separatedBy: "call placed").count - 1

            var campaign: [String: Any] = [:]
            let deadline = ContinuousClock.now + .seconds(90)
            while ContinuousClock.now < deadline {
                campaign = try await CrashRecoveryTests.request(.GET, "http://127.0.0.1:\(portB)/campaigns/\(id)")
                if campaign["state"] as? String == "finished" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(campaign["state"] as? String == "finished", "\(campaign["counts"] ?? "")")
            let placedByB = logB.text.components(separatedBy: "call placed").count - 1
            #expect(placedByA > 0 && placedByB > 0, "A placed \(placedByA), B placed \(placedByB)")

            let calls = await twilio.calls()
            // (A may die between Twilio's answer and its log line, so its count can be one short.)
            #expect(placedByA + placedByB <= calls.count && calls.count <= placedByA + placedByB + 1, "A \(placedByA) + B \(placedByB) vs Twilio's \(calls.count)")
            // Once per attempt: answered numbers once, the unanswered-once twice.
            for i in 0..<count {
                let dialled = calls.filter { $0.to == Self.number(i) }.count
                #expect(dialled == (i % 5 == 0 ? 2 : 1), "\(Self.number(i)) dialled \(dialled) times")
            }
            let stored = try await CrashRecoveryTests.request(.GET, "http://127.0.0.1:\(portB)/calls?limit=1000")["calls"] as? [[String: Any]] ?? []
            let storedSIDs = Set(stored.compactMap { $0["call_sid"] as? String })
            for call in calls { #expect(storedSIDs.contains(call.sid), "\(call.to) \(call.sid) has no record") }
            let targets = campaign["targets"] as? [[String: Any]] ?? []
            #expect(targets.count == count && targets.allSatisfy { $0["state"] as? String == "done" && $0["outcome"] as? String == "completed" })
            b.terminate()
            b.waitUntilExit()
        }
    }
}
