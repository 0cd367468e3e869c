import Foundation
import Simulators
import Testing
import Twilio

/// `POST …/Calls.json`: Twilio's answers, validation and what the simulator records.
@Suite struct CreateCallTests {
    @Test func createAnswers201WithTheCallResourceAndRecordsEveryField() async throws {
        try await SimulatorHarness.with({ $0.callDuration = nil }) { h in
            let events = ["initiated", "ringing", "answered", "completed"]
            let reply = try await h.createCall(extra: [("StatusCallback", "http://127.0.0.1:9/call-status"), ("StatusCallbackMethod", "POST")]
                + events.map { ("StatusCallbackEvent", $0) } + [("Timeout", "30"), ("MachineDetection", "Enable")])
            #expect(reply.status == 201)
            #expect(reply.contentType?.hasPrefix("application/json") == true)
            let json = reply.json
            let sid = try #require(json["sid"] as? String)
            #expect(sid.count == 34 && sid.hasPrefix("CA") && sid.dropFirst(2).allSatisfy(\.isHexDigit))
            #expect(json["status"] as? String == "queued")
            #expect(json["to"] as? String == SimulatorHarness.verified && json["from"] as? String == SimulatorHarness.from)
            #expect(json["direction"] as? String == "outbound-api" && json["api_version"] as? String == "2010-04-01")
            #expect(json["account_sid"] as? String == SimulatorHarness.accountSID)
            #expect(json["uri"] as? String == "\(h.accountPath)/Calls/\(sid).json")
            #expect(json["parent_call_sid"] is NSNull && json["answered_by"] is NSNull && json["date_created"] is String)

            let call = try #require(await h.simulator.calls().first)
            #expect(call.sid == sid && call.to == SimulatorHarness.verified && call.from == SimulatorHarness.from)
            #expect(call.twiml == SimulatorHarness.streamTwiML && call.statusCallback == "http://127.0.0.1:9/call-status")
            #expect(call.statusCallbackEvents == events, "repeated StatusCallbackEvent keys are all kept, in order")
            #expect(call.form.value("Timeout") == "30" && call.form.value("MachineDetection") == "Enable")
            #expect(call.streamURL == "wss://gateway.example/media-stream")
            let requests = await h.simulator.requests(to: .createCall)
            #expect(requests.count == 1 && requests[0].responseStatus == 201 && requests[0].form.values("StatusCallbackEvent") == events)

            // The same record over HTTP, for a person looking at what Twilio received.
            let listed = try await h.send("GET", "/sim/calls", credentials: nil)
            let calls = try #require(try JSONSerialization.jsonObject(with: Data(listed.text.utf8)) as? [[String: Any]])
            #expect(calls.count == 1 && calls[0]["sid"] as? String == sid && calls[0]["twiml"] as? String == SimulatorHarness.streamTwiML)
        }
    }

    @Test func wrongCredentialsAre401WithCode20003() async throws {
        try await SimulatorHarness.with { h in
            for credentials in [(SimulatorHarness.accountSID, "wrong"), ("ACother", SimulatorHarness.authToken), nil] {
                let reply = try await h.send("POST", "\(h.accountPath)/Calls.json", form: [("To", SimulatorHarness.verified)], credentials: credentials)
                #expect(reply.status == 401)
                #expect(reply.json["code"] as? Int == 20003 && reply.json["status"] as? Int == 401)
                #expect(reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/20003")
                #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            }
            // Right credentials, another account in the path: not found.
            let other = try await h.send("GET", "/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/OutgoingCallerIds.json")
            #expect(other.status == 404 && other.json["code"] as? Int == 20404)
            #expect(await h.simulator.calls().isEmpty)
            #expect(await h.simulator.requests().map(\.responseStatus) == [401, 401, 401, 404])
        }
    }

    @Test(arguments: ["09012345678", "+0123456789", "+81901234567890123", "819012345678"])
    func aToThatIsNotE164Is21211(_ to: String) async throws {
        try await SimulatorHarness.with { h in
            let reply = try await h.createCall(to: to)
            #expect(reply.status == 400 && reply.json["code"] as? Int == 21211 && reply.json["status"] as? Int == 400)
            #expect((reply.json["message"] as? String)?.contains(to) == true)
            #expect(await h.simulator.calls().isEmpty)
        }
    }

    @Test func missingParametersHaveTheirOwnCodes() async throws {
        try await SimulatorHarness.with { h in
            let noTo = try await h.send("POST", "\(h.accountPath)/Calls.json", form: [("From", SimulatorHarness.from), ("Twiml", "<Response/>")])
            #expect(noTo.status == 400 && noTo.json["code"] as? Int == 21201)
            let noFrom = try await h.send("POST", "\(h.accountPath)/Calls.json", form: [("To", SimulatorHarness.verified), ("Twiml", "<Response/>")])
            #expect(noFrom.status == 400 && noFrom.json["code"] as? Int == 21213)
        }
    }

    @Test func aFromThatIsNeitherAnAccountNumberNorVerifiedIs21210() async throws {
        try await SimulatorHarness.with { h in
            let reply = try await h.createCall(from: "+819000000000")
            #expect(reply.status == 400 && reply.json["code"] as? Int == 21210)
            #expect((reply.json["message"] as? String)?.contains("+819000000000") == true)
            // A verified caller id may be used as From.
            #expect(try await h.createCall(from: SimulatorHarness.otherVerified).status == 201)
        }
    }

    @Test func exactlyOneOfUrlAndTwimlAndTwimlAtMost4000Characters() async throws {
        try await SimulatorHarness.with { h in
            let base = [("To", SimulatorHarness.verified), ("From", SimulatorHarness.from)]
            let neither = try await h.send("POST", "\(h.accountPath)/Calls.json", form: base)
            #expect(neither.status == 400 && neither.json["code"] as? Int == 21205)
            let both = try await h.send("POST", "\(h.accountPath)/Calls.json", form: base + [("Url", "https://example.com/twiml"), ("Twiml", "<Response/>")])
            #expect(both.status == 400 && both.json["code"] as? Int == 21205)
            let long = "<Response><Say>" + String(repeating: "あ", count: 4001 - 32) + "</Say></Response>"
            #expect(long.count == 4001)
            let tooLong = try await h.send("POST", "\(h.accountPath)/Calls.json", form: base + [("Twiml", long)])
            #expect(tooLong.status == 400)
            let limit = String(long.dropFirst())
            #expect(try await h.send("POST", "\(h.accountPath)/Calls.json", form: base + [("Twiml", limit)]).status == 201)
            #expect(try await h.send("POST", "\(h.accountPath)/Calls.json", form: base + [("Url", "https://example.com/twiml")]).status == 201)
            #expect(await h.simulator.calls().map(\.url) == [nil, "https://example.com/twiml"])
        }
    }

    @Test func moreLiveCallsThanAllowedAre429() async throws {
        try await SimulatorHarness.with({ $0.maxLiveCalls = 1; $0.callDuration = nil }) { h in
            #expect(try await h.createCall().status == 201)
            let second = try await h.createCall()
            #expect(second.status == 429 && second.json["code"] as? Int == 20429)
        }
    }
}
