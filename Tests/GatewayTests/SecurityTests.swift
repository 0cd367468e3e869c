import Foundation
import Gateway
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOHTTP1
import NIOWebSocket
import Simulators
import Testing
import Twilio

/// Issue 6, points 1 and 2: the API token, Twilio's signatures, and stream tokens that are signed,
/// unexpired and single-use — each refusal made before anything is spent on the model.
@Suite struct SecurityTests {
    static let apiToken = "test-api-token-0123456789abcdef"

    @Test func outboundCallAndMetricsNeedTheBearerToken() async throws {
        try await GatewayHarness.with(["API_AUTH_TOKEN": Self.apiToken]) { h in
            for path in ["/outbound-call", "/metrics"] {
                let method: HTTPMethod = path == "/metrics" ? .GET : .POST
                for header in [[], [("Authorization", "Bearer wrong-token-0123456789abcdef")], [("Authorization", Self.apiToken)],
                               [("Authorization", "Basic " + Self.apiToken)], [("Authorization", "Bearer " + Self.apiToken + "x")]] {
                    let (status, headers, body) = try await h.sendWithHeaders(method, path, body: "{}", headers: header)
                    #expect(status == 401, "\(path) \(header)")
                    #expect(headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
                    #expect(GatewayHarness.json(body)["error"] as? String == "missing or wrong API token: send Authorization: Bearer <API_AUTH_TOKEN>")
                }
            }
            // With the token the request goes through to the next check (the body).
            let (status, _) = try await h.send(.POST, "/outbound-call", body: "{}", headers: [("Authorization", "Bearer " + Self.apiToken)])
            #expect(status == 400)
            let (metrics, text) = try await h.send(.GET, "/metrics", headers: [("Authorization", "Bearer " + Self.apiToken)])
            #expect(metrics == 200 && text.contains("anpi_refused_total{reason=\"unauthorized\"} 10"))
        }
    }

    @Test func aShortAPITokenIsAConfigurationError() {
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration(variables: GatewayConfigurationTests.required.merging(["API_AUTH_TOKEN": "short"]) { $1 })
        }
    }

    @Test func twilioWebhooksNeedAValidSignature() async throws {
        try await GatewayHarness.with { h in
            let form = [("CallSid", "CAsig"), ("CallStatus", "ringing"), ("SequenceNumber", "1")]
            let base = h.baseURL
            let wrongSignatures: [(String, [(String, String)])] = [
                ("missing", []),
                ("garbage", [(TwilioSignature.header, "AAAA")]),
                ("other account's token", [(TwilioSignature.header, TwilioSignature(authToken: "another-token").sign(url: base + "/call-status", parameters: form))]),
                // What a proxy-header-trusting check would accept: signed for the Host a client claims.
                ("other host", [(TwilioSignature.header, TwilioSignature(authToken: GatewayHarness.twilioAuthToken).sign(url: "https://evil.example/call-status", parameters: form))]),
                ("other parameters", [(TwilioSignature.header, TwilioSignature(authToken: GatewayHarness.twilioAuthToken).sign(url: base + "/call-status", parameters: Array(form.dropLast())))]),
            ]
            for (what, headers) in wrongSignatures {
                let (status, _) = try await h.send(.POST, "/call-status", body: FormEncoding.encode(form), contentType: "application/x-www-form-urlencoded", headers: headers)
                #expect(status == 403, "\(what)")
                let (incoming, xml) = try await h.send(.POST, "/incoming-call", body: FormEncoding.encode(form), contentType: "application/x-www-form-urlencoded", headers: headers)
                #expect(incoming == 403 && !xml.contains("<Stream"), "\(what)")
            }
            #expect(await h.server.callStatuses.status(callSID: "CAsig") == nil)
            let (signed, _) = try await h.sendSigned(.POST, "/call-status", form: form)
            #expect(signed == 204)
            // GET carries its parameters in the signed URL.
            let (get, xml) = try await h.sendSigned(.GET, "/incoming-call", form: [("CallSid", "CAin"), ("From", "+819011112222")])
            #expect(get == 200 && xml.contains("<Stream"))
            let (tampered, _) = try await h.send(.GET, "/incoming-call?CallSid=CAother",
                                                 headers: [(TwilioSignature.header, TwilioSignature(authToken: GatewayHarness.twilioAuthToken).sign(url: base + "/incoming-call?CallSid=CAin"))])
            #expect(tampered == 403)
        }
    }

    /// Runs `body` with a harness whose model endpoint is a simulated Realtime server.
    static func withModel(_ body: (GatewayHarness, RealtimeSimulator) async throws -> Void) async throws {
        let model = RealtimeSimulator(configuration: .init(script: .safetyConfirmation))
        let url = try await model.start()
        do {
            try await GatewayHarness.with(["OPENAI_REALTIME_URL": url]) { h in try await body(h, model) }
        } catch {
            await model.stop()
            throw error
        }
        await model.stop()
    }

    @Test func anUnsignedUpgradeIsRefusedAndCostsNothing() async throws {
        try await Self.withModel { h, model in
            let url = "ws://127.0.0.1:\(h.port)/media-stream"
            for signature in [nil, "AAAA", TwilioSignature(authToken: GatewayHarness.twilioAuthToken).sign(url: "wss://elsewhere.example/media-stream")] {
                var headers = HTTPFields()
                if let signature { headers[HTTPField.Name(TwilioSignature.header)!] = signature }
                await #expect(throws: (any Error).self) {
                    try await WebSocketClient.connect(url: url, configuration: .init(additionalHeaders: headers), logger: MediaStreamEndpointTests.logger) { _, outbound, _ in
                        try await outbound.writeTextMessage(MediaStreamEndpointTests.startMessage(h))
                    }
                }
            }
            #expect(await model.sessions().isEmpty)
            #expect(await h.server.calls.openStreams == 0)
        }
    }

    @Test func forgedAndReplayedTokensAreClosedBeforeTheModelIsCalled() async throws {
        try await Self.withModel { h, model in
            let connected = #"{"event":"connected","protocol":"Call","version":"1.0.0"}"#
            let forged = try await MediaStreamEndpointTests.exchange(h, [.text(connected), .text(MediaStreamEndpointTests.startMessage(h, secret: "forged"))])
            #expect(forged?.closeCode == .policyViolation && forged?.reason?.contains("signature does not match") == true)
            let expired = try await MediaStreamEndpointTests.exchange(h, [.text(connected), .text(MediaStreamEndpointTests.startMessage(h, expires: 1000))])
            #expect(expired?.closeCode == .policyViolation && expired?.reason?.contains("expired") == true)
            #expect(await model.sessions().isEmpty)

            // The genuine stream: its model session opens, then Twilio stops the stream.
            let start = MediaStreamEndpointTests.startMessage(h)
            let genuine = try await MediaStreamEndpointTests.exchange(h, [.text(connected), .text(start)] + (1...5).map { .text(MediaStreamEndpointTests.media($0)) },
                                                                       then: { await model.waitForSessions(1) }, finally: [.text(#"{"event":"stop","stop":{}}"#)])
            #expect(genuine?.closeCode == .normalClosure)
            await h.server.calls.waitUntilIdle()
            await model.waitForEndedSessions(1)
            // The same start again (a captured message replayed): refused, and no second session.
            let replayed = try await MediaStreamEndpointTests.exchange(h, [.text(connected), .text(start)])
            #expect(replayed?.closeCode == .policyViolation && replayed?.reason?.contains("already used") == true)
            await h.server.calls.waitUntilIdle()
            #expect(await model.sessions().count == 1)
            #expect(await h.server.calls.all().count == 1)
            let (_, metrics) = try await h.send(.GET, "/metrics")
            #expect(metrics.contains(#"anpi_refused_total{reason="bad_stream_token"} 2"#))
            #expect(metrics.contains(#"anpi_refused_total{reason="replayed_stream_token"} 1"#))
        }
    }

    @Test func usedTokensAreForgottenOnlyAfterTheyExpire() async {
        let ledger = InMemoryStreamTokenLedger()
        #expect(await ledger.claim(callID: "c_1", expiresAt: 1000, now: 100))
        #expect(await !ledger.claim(callID: "c_1", expiresAt: 1000, now: 200))
        #expect(await ledger.claim(callID: "c_2", expiresAt: 150, now: 100))
        // A sweep a minute later forgets c_2 (expired: its token is refused as expired anyway), not c_1.
        #expect(await ledger.claim(callID: "c_3", expiresAt: 1000, now: 400))
        #expect(await ledger.count == 2)
        #expect(await !ledger.claim(callID: "c_1", expiresAt: 1000, now: 401))
    }
}
