import Foundation
import Gateway
import Scenario
import NIOHTTP1
import Simulators
import Testing

/// Issue 7's campaigns over HTTP against the simulated Twilio API: a 50-number campaign with
/// injected no-answers and busy lines, retried by its options, every number ending in exactly one
/// final state and dialled exactly as many times as it was attempted; uploads checked row by row.
@Suite struct CampaignTests {
    static let token = "campaign-test-token-0123456789"
    static let bearer = [("Authorization", "Bearer " + token)]
    static func number(_ i: Int) -> String { "+8190000001" + (i < 10 ? "0\(i)" : "\(i)") }

    static func get(_ h: GatewayHarness, _ path: String) async throws -> [String: Any] {
        let (status, text) = try await h.send(.GET, path, headers: bearer)
        #expect(status == 200, "\(path): \(text)")
        return GatewayHarness.json(text)
    }

    /// Polls the campaign (as the CLI and the status page do) until it leaves `running`.
    static func waitUntilDone(_ h: GatewayHarness, _ id: String, within: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + within
        while true {
            let campaign = try await get(h, "/campaigns/\(id)")
            if campaign["state"] as? String != "running" { return campaign }
            guard ContinuousClock.now < deadline else { Issue.record("campaign still running: \(campaign["counts"] ?? "")"); return campaign }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: TestPostgres.storeKinds)
    func fiftyNumbersWithNoAnswersAndRetries(store: String) async throws {
        let numbers = (0..<50).map(Self.number)
        try await TestPostgres.withStoreVariables(store) { storeVariables in
            try await OutboundCallTests.withSystem(variables: ["API_AUTH_TOKEN": Self.token, "CALLS_PER_MINUTE": "100000", "CALLS_PER_MINUTE_PER_DESTINATION": "1000"]
                                                       .merging(storeVariables) { $1 },
                                                   verified: numbers, configure: { config in
                config.callDuration = .milliseconds(100)
                for i in stride(from: 0, to: 50, by: 5) { config.unanswered[Self.number(i)] = [.noAnswer] }       // answered on the 2nd attempt
                for i in stride(from: 3, to: 50, by: 7) { config.unanswered[Self.number(i)] = [.busy, .busy, .busy] } // busy every time
                config.unanswered[Self.number(49)] = [.failed, .noAnswer]                                          // answered on the 3rd
            }) { h, sim in
                let csv = "to_number,user_id,message\n" + numbers.enumerated().map { "\($1),u\($0),\"地震の安否確認, \($0)\"" }.joined(separator: "\n") + "\n"
                let (status, text) = try await h.send(.POST, "/campaigns?calls_per_second=40&max_concurrent=15&max_attempts=3&retry_delay_seconds=0",
                                                      body: csv, contentType: "text/csv", headers: Self.bearer)
                #expect(status == 201, "\(text)")
                let id = try #require(GatewayHarness.json(text)["campaign_id"] as? String)
                let campaign = try await Self.waitUntilDone(h, id)
                #expect(campaign["state"] as? String == "finished")
                let targets = try #require(campaign["targets"] as? [[String: Any]])
                #expect(targets.count == 50)
                let calls = await sim.calls()
                for (i, target) in targets.enumerated() {
                    let attempts = target["attempts"] as? Int ?? 0
                    let expected: (String, Int) = i % 7 == 3 ? ("busy", 3) : i == 49 ? ("completed", 3) : i % 5 == 0 ? ("completed", 2) : ("completed", 1)
                    #expect(target["state"] as? String == "done" && target["outcome"] as? String == expected.0 && attempts == expected.1, "\(i): \(target)")
                    // Dialled exactly once per attempt: never twice for one attempt, never after the end.
                    #expect(calls.filter { $0.to == Self.number(i) }.count == attempts, "\(i)")
                }
                let counts = try #require(campaign["counts"] as? [String: Any])
                let byOutcome = counts["by_outcome"] as? [String: Int] ?? [:]
                #expect(byOutcome.values.reduce(0, +) == 50 && byOutcome["busy"] == 7)
                // Each attempt is also a call record, the message from its row.
                let stored = try await Self.get(h, "/calls?user_id=u1")["calls"] as? [[String: Any]] ?? []
                #expect(stored.count == 1 && stored.first?["message"] as? String == "地震の安否確認, 1")
            }
        }
    }

    @Test func uploadsAreCheckedRowByRow() async throws {
        try await GatewayHarness.with(["API_AUTH_TOKEN": Self.token]) { h in
            let csv = "to_number,user_id\n+819011112222,a\n090-1111-2222,b\n+14155550100,c\n+819011112222,d\n"
            let (status, text) = try await h.send(.POST, "/campaigns", body: csv, contentType: "text/csv", headers: Self.bearer)
            #expect(status == 400)
            let error = GatewayHarness.json(text)["error"] as? String ?? ""
            #expect(error.contains("line 3: '090-1111-2222' is not an E.164 number"))
            #expect(error.contains("line 4: +14155550100 is outside ALLOWED_DESTINATIONS"))
            #expect(error.contains("line 5: +819011112222 is already on line 2"))
            for (body, type, fragment) in [("user_id\nx\n", "text/csv", "needs a to_number column"), ("", "text/csv", "empty"),
                                           ("to_number\n\"+8190\n", "text/csv", "not closed"),
                                           (#"{"targets": []}"#, "application/json", "there is no one to call"),
                                           (#"{"targets": [{"to_number": "+819011112222"}], "options": {"max_attempts": 0, "window": {"start": "9am", "end": "20:00"}}}"#,
                                            "application/json", "max_attempts must be from 1 to 10; window start and end must be HH:MM"),
                                           (#"{"targets": "nobody"}"#, "application/json", "wrong type at 'targets'")] {
                let (s, t) = try await h.send(.POST, "/campaigns", body: body, contentType: type, headers: Self.bearer)
                #expect(s == 400 && t.contains(fragment), "\(fragment): \(t)")
            }
            #expect(try await h.send(.POST, "/campaigns", body: csv, contentType: "text/csv").0 == 401)
            #expect(try await h.send(.GET, "/campaigns/k_none", headers: Self.bearer).0 == 404)
            #expect(try await h.send(.POST, "/campaigns/k_none/cancel", headers: Self.bearer).0 == 404)
        }
    }

    @Test func aCampaignOutsideItsWindowWaitsAndCanBeCancelled() async throws {
        try await OutboundCallTests.withSystem(variables: ["API_AUTH_TOKEN": Self.token]) { h, sim in
            // A one-minute window twelve hours away from now: nothing may be dialled.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let hour = (calendar.component(.hour, from: Date()) + 12) % 24
            let start = String(format: "%02d:00", hour), end = String(format: "%02d:01", hour)
            let body = #"{"name": "night", "targets": [{"to_number": "\#(OutboundCallTests.allowed)"}], "options": {"window": {"start": "\#(start)", "end": "\#(end)", "time_zone": "UTC"}}}"#
            let (status, text) = try await h.send(.POST, "/campaigns", body: body, headers: Self.bearer)
            #expect(status == 201, "\(text)")
            let id = try #require(GatewayHarness.json(text)["campaign_id"] as? String)
            // The dialler looks every 100 ms; give it several looks.
            try await Task.sleep(for: .milliseconds(500))
            #expect(await sim.calls().isEmpty)
            let (cancel, cancelled) = try await h.send(.POST, "/campaigns/\(id)/cancel", headers: Self.bearer)
            #expect(cancel == 200 && GatewayHarness.json(cancelled)["state"] as? String == "cancelled")
            let campaign = try await Self.get(h, "/campaigns/\(id)")
            #expect((campaign["targets"] as? [[String: Any]])?.first?["state"] as? String == "cancelled")
            let list = try await Self.get(h, "/campaigns")["campaigns"] as? [[String: Any]] ?? []
            #expect(list.first?["name"] as? String == "night" && list.first?["targets"] as? [Any] == nil || (list.first?["targets"] as? [Any])?.isEmpty == true)
        }
    }
}
