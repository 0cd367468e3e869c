import Foundation
import Gateway
import Logging
import NIOHTTP1
import Simulators
import Testing
import Twilio

/// `POST /outbound-call` end to end: the gateway on a free loopback port, Twilio simulated on another.
@Suite struct OutboundCallTests {
    static let allowed = "+819012345678"

    /// Runs `body` with a simulator and a gateway pointed at it.
    static func withSystem(timeout: Int = 2, callbackOrder: TwilioAPISimulator.CallbackOrder = .inOrder, variables: [String: String] = [:],
                           verified: [String] = [allowed], configure: (inout TwilioAPISimulator.Configuration) -> Void = { _ in },
                           _ body: (GatewayHarness, TwilioAPISimulator) async throws -> Void) async throws {
        var config = TwilioAPISimulator.Configuration()
        config.accountSID = "ACtest00000000000000000000000000"
        config.authToken = "test-auth-token"
        config.verifiedCallerIDs = Set(verified)
        config.callbackOrder = callbackOrder
        configure(&config)
        var logger = Logger(label: "sim")
        logger.logLevel = .warning
        let simulator = TwilioAPISimulator(configuration: config, logger: logger)
        try await simulator.start()
        do {
            try await GatewayHarness.with(["TWILIO_API_BASE_URL": simulator.baseURL, "TWILIO_TIMEOUT_SECONDS": "\(timeout)"].merging(variables) { $1 }) { h in
                try await body(h, simulator)
            }
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    static func place(_ h: GatewayHarness, _ body: String) async throws -> (Int, [String: Any]) {
        let (status, text) = try await h.send(.POST, "/outbound-call", body: body)
        return (status, GatewayHarness.json(text))
    }

    @Test func successAnswersTheSeedJSONAndTwilioGetsTheTwiML() async throws {
        try await Self.withSystem(callbackOrder: .shuffled(seed: 7)) { h, sim in
            let (status, json) = try await Self.place(h, #"{"to_number": "\#(Self.allowed)", "message": "地震 & 津波の安否確認", "user_id": "u-1"}"#)
            #expect(status == 200)
            #expect(json["success"] as? Bool == true && json["to_number"] as? String == Self.allowed && json["message"] as? String == "Call initiated successfully")
            let sid = try #require(json["call_sid"] as? String)
            #expect(sid.hasPrefix("CA") && sid.count == 34)
            let call = try #require(await sim.calls().first)
            #expect(call.sid == sid && call.to == Self.allowed && call.from == "+15005550006")
            #expect(call.statusCallbackEvents == ["initiated", "ringing", "answered", "completed"])
            // The callback URL names the call, so a callback can find its record even if its CallSid was never noted.
            #expect(call.statusCallback == "\(h.baseURL)/call-status?call_id=\(try #require(json["call_id"] as? String))")
            let twiml = try #require(call.twiml)
            #expect(twiml.contains(#"<Stream url="ws://127.0.0.1:\#(h.port)/media-stream">"#))
            #expect(twiml.contains(#"<Parameter name="message" value="地震 &amp; 津波の安否確認"/>"#))
            #expect(twiml.contains(#"<Parameter name="userId" value="u-1"/>"#) && twiml.contains(#"<Parameter name="token""#))
            // The callbacks arrive shuffled; the store keeps them in SequenceNumber order.
            await h.server.callStatuses.waitFor(callSID: sid, status: "completed")
            await h.server.callStatuses.waitFor(callSID: sid, status: "initiated")
            await h.server.callStatuses.waitFor(callSID: sid, status: "ringing")
            await h.server.callStatuses.waitFor(callSID: sid, status: "in-progress")
            #expect(await h.server.callStatuses.events(callSID: sid).map(\.sequenceNumber) == [0, 1, 2, 3])
            #expect(await h.server.callStatuses.status(callSID: sid) == "completed")
        }
    }

    @Test func aNumberThatIsNotPermittedIsRefusedBeforeDialling() async throws {
        try await Self.withSystem { h, sim in
            let (status, json) = try await Self.place(h, #"{"to_number": "+819099999999"}"#)
            #expect(status == 403)
            #expect(json["success"] as? Bool == false && json["error"] as? String == "+819099999999 は発信許可がありません")
            #expect(await sim.calls().isEmpty)
            // Both lists were consulted, each filtered by the number.
            let paths = await sim.requests().map(\.path)
            #expect(paths.contains { $0.hasSuffix("/OutgoingCallerIds.json") } && paths.contains { $0.hasSuffix("/IncomingPhoneNumbers.json") })
        }
    }

    @Test func twilioRefusalIs502WithItsCode() async throws {
        try await Self.withSystem { h, sim in
            await sim.inject(.error(status: 400, code: 21215, message: "Geo permissions block this call"), on: .createCall)
            let (status, json) = try await Self.place(h, #"{"to_number": "\#(Self.allowed)"}"#)
            #expect(status == 502)
            #expect(json["twilio_code"] as? Int == 21215)
            #expect((json["error"] as? String)?.contains("Geo permissions block this call") == true)
            #expect(await sim.requests().filter { $0.path.hasSuffix("/Calls.json") }.count == 1, "4xx is not retried")
            #expect(try await h.send(.GET, "/metrics").1.contains(#"anpi_twilio_api_errors_total{code="21215"} 1"#))
        }
    }

    @Test func serverErrorsAreRetriedThenReported() async throws {
        try await Self.withSystem { h, sim in
            await sim.inject(.error(status: 503, code: 20500, message: "busy", shape: .problem), on: .createCall, times: 1)
            let (ok, _) = try await Self.place(h, #"{"to_number": "\#(Self.allowed)"}"#)
            #expect(ok == 200, "one 503 then success")
            await sim.inject(.error(status: 500, code: 20500, message: "Internal Server Error"), on: .createCall, times: 3)
            let (status, json) = try await Self.place(h, #"{"to_number": "\#(Self.allowed)"}"#)
            #expect(status == 502 && json["twilio_code"] as? Int == 20500)
            #expect(await sim.requests().filter { $0.path.hasSuffix("/Calls.json") }.count == 2 + 3, "1 retry, then 2 retries")
        }
    }

    @Test func twilioTooSlowIs504() async throws {
        try await Self.withSystem(timeout: 1) { h, sim in
            await sim.inject(.delay(.seconds(3)), on: .createCall)
            let (status, json) = try await Self.place(h, #"{"to_number": "\#(Self.allowed)"}"#)
            #expect(status == 504)
            #expect((json["error"] as? String)?.contains("did not answer") == true)
            #expect(try await h.send(.GET, "/metrics").1.contains(#"anpi_twilio_api_errors_total{code="timeout"} 1"#))
        }
    }

    @Test func badBodiesAre400() async throws {
        try await Self.withSystem { h, sim in
            for (body, reason) in [("{oops", "must be JSON"), ("{}", "to_number is required"), (#"{"to_number": "0901234567"}"#, "E.164"), (#"{"to_number": 81}"#, "must be a string")] {
                let (status, json) = try await Self.place(h, body)
                #expect(status == 400, "\(body)")
                #expect((json["error"] as? String)?.contains(reason) == true, "\(body)")
            }
            #expect(await sim.requests().isEmpty)
        }
    }

    @Test func theOtherEndpoints() async throws {
        try await Self.withSystem { h, _ in
            let (status, body) = try await h.send(.GET, "/")
            #expect(status == 200 && GatewayHarness.json(body)["message"] as? String == "Twilio Outbound Call Server is running!")
            for method in [HTTPMethod.GET, .POST] {
                let (s, xml) = try await h.sendSigned(method, "/incoming-call", form: method == .POST ? [("CallSid", "CAin"), ("From", "+819011112222")] : [])
                #expect(s == 200 && xml.contains(#"<Connect><Stream url="ws://127.0.0.1:\#(h.port)/media-stream">"#) && xml.contains(#"name="token""#))
            }
            let (cs, _) = try await h.sendSigned(.POST, "/call-status", form: [("CallSid", "CAx"), ("CallStatus", "ringing"), ("SequenceNumber", "1")])
            #expect(cs == 204)
            #expect(await h.server.callStatuses.status(callSID: "CAx") == "ringing")
            let (bad, _) = try await h.sendSigned(.POST, "/call-status", form: [("Nothing", "here")])
            #expect(bad == 400)
        }
    }
}
