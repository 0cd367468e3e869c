import AsyncHTTPClient
import Foundation
import Simulators
import Testing
import Twilio

/// Injected errors (both shapes) and delays, and counting a client's attempts.
@Suite struct FaultInjectionTests {
    @Test func aLegacyErrorForTheNextTwoRequestsThenSuccess() async throws {
        try await SimulatorHarness.with { h in
            await h.simulator.inject(.error(status: 503, code: 20503, message: "Service Unavailable"), on: .createCall, times: 2)
            for _ in 0..<2 {
                let reply = try await h.createCall()
                #expect(reply.status == 503)
                #expect(reply.json["code"] as? Int == 20503 && reply.json["message"] as? String == "Service Unavailable")
                #expect(reply.json["status"] as? Int == 503 && reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/20503")
            }
            #expect(try await h.createCall().status == 201)
            #expect(await h.simulator.requests(to: .createCall).map(\.responseStatus) == [503, 503, 201])
            #expect(await h.simulator.calls().count == 1, "an error answer creates nothing")
        }
    }

    @Test func aProblemShapedError() async throws {
        try await SimulatorHarness.with { h in
            await h.simulator.inject(.error(status: 429, code: 20429, message: "Too many requests", shape: .problem), on: .outgoingCallerIDs)
            let reply = try await h.send("GET", "\(h.accountPath)/OutgoingCallerIds.json")
            #expect(reply.status == 429 && reply.contentType == "application/problem+json")
            #expect(reply.json["type"] as? String == "https://www.twilio.com/docs/errors/20429")
            #expect(reply.json["title"] as? String == "Too Many Requests" && reply.json["detail"] as? String == "Too many requests")
            #expect(reply.json["code"] as? Int == 20429 && reply.json["status"] as? Int == 429)
            #expect(reply.json["instance"] as? String == "\(h.accountPath)/OutgoingCallerIds.json")
            let parsed = TwilioAPIError.parse(status: reply.status, body: Array(reply.text.utf8))
            #expect(parsed.code == 20429 && parsed.message.contains("Too many requests"))
            #expect(try await h.send("GET", "\(h.accountPath)/OutgoingCallerIds.json").status == 200)
        }
    }

    @Test func aFaultForOneDestinationLeavesOthersAlone() async throws {
        try await SimulatorHarness.with { h in
            await h.simulator.inject(.error(status: 400, code: 21215, message: "Geo permissions"), forCallsTo: SimulatorHarness.verified)
            let refused = try await h.createCall(to: SimulatorHarness.verified)
            #expect(refused.status == 400 && refused.json["code"] as? Int == 21215)
            #expect(try await h.createCall(to: SimulatorHarness.otherVerified).status == 201)
            #expect(try await h.createCall(to: SimulatorHarness.verified).status == 201)
        }
    }

    @Test func ourClientRetriesServerErrorsAndTheAttemptsAreCounted() async throws {
        try await SimulatorHarness.with({ $0.callDuration = nil }) { h in
            await h.simulator.inject(.error(status: 500, code: 20500, message: "Internal Server Error"), on: .createCall, times: 2)
            let client = h.restClient(retries: 2)
            let request = CallRequest(to: try #require(E164Number(SimulatorHarness.verified)), from: SimulatorHarness.from, twiml: SimulatorHarness.streamTwiML)
            let call = try await client.createCall(request)
            #expect(call.status == "queued" && call.sid.hasPrefix("CA"))
            #expect(await h.simulator.requests(to: .createCall).count == 3)

            await h.simulator.inject(.error(status: 400, code: 21211, message: "bad"), on: .createCall, times: 5)
            await #expect(throws: TwilioAPIError.self) { try await client.createCall(request) }
            #expect(await h.simulator.requests(to: .createCall).count == 4, "a 4xx is not retried")
            await h.simulator.clearFaults()
            #expect(try await ["completed", "canceled"].contains(client.hangUp(callSID: call.sid).status))
        }
    }

    @Test func ourClientRedirectsACallToSayAndHangUp() async throws {
        try await SimulatorHarness.with({ $0.callDuration = nil }) { h in
            let client = h.restClient(retries: 0)
            let request = CallRequest(to: try #require(E164Number(SimulatorHarness.verified)), from: SimulatorHarness.from, twiml: SimulatorHarness.streamTwiML)
            let call = try await client.createCall(request)
            let apology = TwiML.sayAndHangUp("申し訳ありません。後ほどおかけ直しします。")
            _ = try await client.redirect(callSID: call.sid, twiml: apology)
            #expect(await h.simulator.call(call.sid)?.twimlHistory.last == apology)
            await #expect(throws: TwilioAPIError.self) { try await client.redirect(callSID: "CA" + String(repeating: "0", count: 32), twiml: apology) }
        }
    }

    @Test func aDelayMakesTheClientTimeOutAndStopDoesNotWaitForIt() async throws {
        let started = ContinuousClock.now
        try await SimulatorHarness.with { h in
            await h.simulator.inject(.delay(.seconds(60)), on: .createCall)
            let client = h.restClient(timeout: .milliseconds(300), retries: 0)
            let request = CallRequest(to: try #require(E164Number(SimulatorHarness.verified)), from: SimulatorHarness.from, twiml: SimulatorHarness.streamTwiML)
            await #expect(throws: TwilioClientError.self) { try await client.createCall(request) }
            #expect(await h.simulator.requests(to: .createCall).count == 1)
        }
        #expect(ContinuousClock.now - started < .seconds(20), "stop() releases the injected delay")
    }

    @Test func faultsCanBeInjectedOverHTTP() async throws {
        try await SimulatorHarness.with { h in
            let body = #"{"endpoint":"createCall","status":502,"code":20502,"message":"upstream","shape":"problem","times":1}"#
            var request = try await h.send("POST", "/sim/faults", credentials: nil)
            #expect(request.status == 400, "an empty body is refused")
            request = try await h.sendJSON("/sim/faults", body)
            #expect(request.status == 204)
            let faulted = try await h.createCall()
            #expect(faulted.status == 502 && faulted.json["detail"] as? String == "upstream")
            #expect(try await h.sendJSON("/sim/faults", #"{"to":"+819012345678","status":400,"code":21215,"message":"geo","times":3}"#).status == 204)
            #expect(try await h.send("DELETE", "/sim/faults", credentials: nil).status == 204)
            #expect(try await h.createCall().status == 201)
        }
    }
}

extension SimulatorHarness {
    /// POSTs a JSON body without auth (the `/sim/…` control endpoints).
    func sendJSON(_ path: String, _ json: String) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(Array(json.utf8))
        let response = try await http.execute(request, timeout: .seconds(10))
        var buffer = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                     headers: [], text: buffer.readString(length: buffer.readableBytes) ?? "")
    }
}
