import Foundation
import Gateway
import NIOHTTP1
import Testing

/// `GET /calls` and `GET /calls/{id}` over HTTP: authenticated like `/outbound-call`, clear 400s for
/// bad queries, 404 for an unknown id, and a placed call's record with Twilio's callbacks in it.
@Suite struct CallRecordsEndpointTests {
    static let token = "calls-endpoint-token-0123456789"
    static let bearer = [("Authorization", "Bearer " + token)]

    @Test func aPlacedCallIsListedWithItsCallbacks() async throws {
        // The simulated call is answered and stays up (no callee, no end) while the test looks at it.
        try await OutboundCallTests.withSystem(variables: ["API_AUTH_TOKEN": Self.token], configure: { $0.callDuration = nil }) { h, _ in
            let (status, text) = try await h.send(.POST, "/outbound-call", body: #"{"to_number": "\#(OutboundCallTests.allowed)", "user_id": "u-7"}"#, headers: Self.bearer)
            #expect(status == 200)
            let placed = GatewayHarness.json(text)
            let id = try #require(placed["call_id"] as? String), sid = try #require(placed["call_sid"] as? String)
            // The simulated call is answered and stays up (no callee): its callbacks so far are stored.
            await h.server.callStatuses.waitFor(callSID: sid, status: "in-progress")
            let (one, body) = try await h.send(.GET, "/calls/\(id)", headers: Self.bearer)
            #expect(one == 200)
            let call = GatewayHarness.json(body)
            #expect(call["call_sid"] as? String == sid && call["user_id"] as? String == "u-7" && call["status"] as? String == "in-progress")
            #expect((call["status_events"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["initiated", "ringing", "in-progress"])
            #expect(call["end_reason"] == nil || call["end_reason"] is NSNull)
            for query in ["?user_id=u-7", "?status=in-progress", "?since=2020-01-01T00:00:00Z", "?since=0&limit=1", ""] {
                let (listed, list) = try await h.send(.GET, "/calls" + query, headers: Self.bearer)
                #expect(listed == 200 && (GatewayHarness.json(list)["calls"] as? [[String: Any]])?.count == 1, "\(query)")
            }
            for query in ["?user_id=u-8", "?status=completed", "?since=2100-01-01T00:00:00Z"] {
                let (_, list) = try await h.send(.GET, "/calls" + query, headers: Self.bearer)
                #expect((GatewayHarness.json(list)["calls"] as? [[String: Any]])?.isEmpty == true, "\(query)")
            }
        }
    }

    @Test func badQueriesUnknownIDsAndNoToken() async throws {
        try await GatewayHarness.with(["API_AUTH_TOKEN": Self.token]) { h in
            #expect(try await h.send(.GET, "/calls").0 == 401)
            #expect(try await h.send(.GET, "/calls/c_x").0 == 401)
            let (since, sinceBody) = try await h.send(.GET, "/calls?since=yesterday", headers: Self.bearer)
            #expect(since == 400 && sinceBody.contains("since must be ISO 8601"))
            for limit in ["0", "1001", "ten"] {
                let (status, body) = try await h.send(.GET, "/calls?limit=\(limit)", headers: Self.bearer)
                #expect(status == 400 && body.contains("limit must be"), "\(limit)")
            }
            let (missing, body) = try await h.send(.GET, "/calls/c_doesnotexist", headers: Self.bearer)
            #expect(missing == 404 && body.contains("no call c_doesnotexist"))
            let (empty, list) = try await h.send(.GET, "/calls", headers: Self.bearer)
            #expect(empty == 200 && list == #"{"calls":[]}"#)
        }
    }

    @Test func anUnusableDataDirStopsNothingButIsLoudAndCounted() async throws {
        try await OutboundCallTests.withSystem(variables: ["DATA_DIR": "/proc/anpi-call-not-writable"]) { h, _ in
            // The call is still placed: the store is for the record, not in the call's path.
            #expect(try await h.send(.POST, "/outbound-call", body: #"{"to_number": "\#(OutboundCallTests.allowed)"}"#).0 == 200)
            let (status, body) = try await h.send(.GET, "/calls")
            #expect(status == 503 && body.contains("DATA_DIR"))
            #expect(try await h.send(.GET, "/metrics").1.contains("anpi_store_errors_total"))
        }
    }
}
