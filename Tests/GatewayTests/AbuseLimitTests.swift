import Foundation
import Gateway
import NIOHTTP1
import Simulators
import Testing

/// Issue 6, point 3, over HTTP: what a caller gets when a limit says no — and that Twilio is never asked.
@Suite struct AbuseLimitTests {
    static func place(_ h: GatewayHarness, _ number: String, headers: [(String, String)] = []) async throws -> (Int, HTTPHeaders, [String: Any]) {
        let (status, responseHeaders, text) = try await h.sendWithHeaders(.POST, "/outbound-call", body: #"{"to_number": "\#(number)"}"#, headers: headers)
        return (status, responseHeaders, GatewayHarness.json(text))
    }

    @Test func aDestinationOutsideTheListIs403AndNeverDialled() async throws {
        try await OutboundCallTests.withSystem(verified: ["+14155550100", OutboundCallTests.allowed]) { h, sim in
            let (status, _, json) = try await Self.place(h, "+14155550100")
            #expect(status == 403)
            #expect(json["error"] as? String == "+14155550100 may not be called: ALLOWED_DESTINATIONS is +81")
            #expect(await sim.requests().isEmpty)
        }
    }

    @Test func callRatesAnswer429WithRetryAfter() async throws {
        try await OutboundCallTests.withSystem(variables: ["CALLS_PER_MINUTE_PER_DESTINATION": "2", "CALLS_PER_MINUTE": "3"],
                                               verified: [OutboundCallTests.allowed, "+819011112222"]) { h, sim in
            for _ in 0..<2 { #expect(try await Self.place(h, OutboundCallTests.allowed).0 == 200) }
            let (status, headers, json) = try await Self.place(h, OutboundCallTests.allowed)
            #expect(status == 429)
            #expect((1...30).contains(Int(headers["Retry-After"].first ?? "") ?? 0))
            #expect((json["error"] as? String)?.contains("CALLS_PER_MINUTE_PER_DESTINATION") == true)
            // Another number may still be called once; then the overall rate says no.
            #expect(try await Self.place(h, "+819011112222").0 == 200)
            let (overall, overallHeaders, overallJSON) = try await Self.place(h, "+819011112222")
            #expect(overall == 429 && Int(overallHeaders["Retry-After"].first ?? "") ?? 0 > 0)
            #expect((overallJSON["error"] as? String)?.contains("(CALLS_PER_MINUTE)") == true)
            #expect(await sim.calls().count == 3)
        }
    }

    @Test func theConcurrencyCapCountsRingingCalls() async throws {
        // The simulated calls are answered but never stream (no callee): both slots stay taken.
        try await OutboundCallTests.withSystem(variables: ["MAX_CONCURRENT_CALLS": "2"], verified: [OutboundCallTests.allowed, "+819011112222", "+819033334444"],
                                               configure: { $0.callDuration = nil }) { h, _ in
            #expect(try await Self.place(h, OutboundCallTests.allowed).0 == 200)
            #expect(try await Self.place(h, "+819011112222").0 == 200)
            let (status, headers, json) = try await Self.place(h, "+819033334444")
            #expect(status == 429 && headers["Retry-After"].first == "10")
            #expect((json["error"] as? String)?.contains("MAX_CONCURRENT_CALLS") == true)
            #expect(await h.server.admission.callsInProgress == 2)
            // An inbound call while full hears busy.
            let (incoming, xml) = try await h.sendSigned(.POST, "/incoming-call", form: [("CallSid", "CAin")])
            #expect(incoming == 200 && xml.contains(#"<Reject reason="busy"/>"#))
        }
    }

    @Test func theRESTAPIIsLimitedPerClient() async throws {
        try await GatewayHarness.with(["API_REQUESTS_PER_MINUTE": "3", "TRUST_FORWARDED_FOR": "true"]) { h in
            // Behind a trusted proxy the client is the last X-Forwarded-For entry (the one the proxy added).
            let client1 = [("X-Forwarded-For", "203.0.113.9, 198.51.100.1")]
            for _ in 0..<3 { #expect(try await h.send(.GET, "/metrics", headers: client1).0 == 200) }
            let (status, headers, body) = try await h.sendWithHeaders(.POST, "/outbound-call", body: "{}", headers: client1)
            // 3 a minute: one comes back every 20 s (less the time the requests took).
            #expect(status == 429 && (1...20).contains(Int(headers["Retry-After"].first ?? "") ?? 0))
            #expect((GatewayHarness.json(body)["error"] as? String)?.contains("API_REQUESTS_PER_MINUTE") == true)
            // A client cannot dodge the limit by writing its own first entry.
            #expect(try await h.send(.GET, "/metrics", headers: [("X-Forwarded-For", "192.0.2.77, 198.51.100.1")]).0 == 429)
            // Another client is not affected.
            #expect(try await h.send(.GET, "/metrics", headers: [("X-Forwarded-For", "198.51.100.2")]).0 == 200)
        }
    }
}
