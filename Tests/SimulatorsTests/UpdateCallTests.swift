import Foundation
import Simulators
import Testing
import Twilio

/// `POST …/Calls/{CallSid}.json` (hang up, cancel, redirect) and `GET` of one call.
@Suite struct UpdateCallTests {
    /// A callee that reports when it is reached and stays on the line until its task is cancelled.
    struct Callee {
        let answered: AsyncStream<SimulatedCall>
        let hungUp: AsyncStream<String>
        let dialer: TwilioAPISimulator.Dialer

        init() {
            let (answered, answeredSink) = AsyncStream.makeStream(of: SimulatedCall.self)
            let (hungUp, hungUpSink) = AsyncStream.makeStream(of: String.self)
            self.answered = answered
            self.hungUp = hungUp
            dialer = { call in
                answeredSink.yield(call)
                try? await Task.sleep(for: .seconds(3600))
                hungUpSink.yield(call.sid)
            }
        }
    }

    @Test func hangingUpAnAnsweredCallThenAgainIs21220() async throws {
        let callee = Callee()
        try await SimulatorHarness.with(dialer: callee.dialer) { h in
            let sid = try #require(try await h.createCall().json["sid"] as? String)
            let answered = try await first(of: callee.answered, "the callee to be reached")
            #expect(answered.sid == sid && answered.status == .inProgress)
            let fetched = try await h.send("GET", "\(h.accountPath)/Calls/\(sid).json")
            #expect(fetched.status == 200 && fetched.json["status"] as? String == "in-progress")

            let hangUp = try await h.updateCall(sid, [("Status", "completed")])
            #expect(hangUp.status == 200 && hangUp.json["status"] as? String == "completed")
            #expect(try await first(of: callee.hungUp, "the callee's task to be cancelled") == sid)
            #expect(await h.simulator.call(sid)?.status == .completed)

            let again = try await h.updateCall(sid, [("Status", "completed")])
            #expect(again.status == 400 && again.json["code"] as? Int == 21220)
            let redirect = try await h.updateCall(sid, [("Twiml", "<Response><Hangup/></Response>")])
            #expect(redirect.status == 400 && redirect.json["code"] as? Int == 21220)
        }
    }

    @Test func anUnknownCallIs20404() async throws {
        try await SimulatorHarness.with { h in
            let sid = "CA" + String(repeating: "0", count: 32)
            for reply in [try await h.updateCall(sid, [("Status", "completed")]), try await h.send("GET", "\(h.accountPath)/Calls/\(sid).json")] {
                #expect(reply.status == 404 && reply.json["code"] as? Int == 20404)
                #expect((reply.json["message"] as? String)?.contains("/Calls/\(sid).json") == true)
            }
        }
    }

    @Test func cancelingARingingCallCancelsIt() async throws {
        try await SimulatorHarness.with({ $0.ringDuration = .seconds(3600) }) { h in
            let sid = try #require(try await h.createCall().json["sid"] as? String)
            let reply = try await h.updateCall(sid, [("Status", "canceled")])
            #expect(reply.status == 200 && reply.json["status"] as? String == "canceled")
            #expect(await h.simulator.call(sid)?.status == .canceled)
        }
    }

    @Test func cancelingAnAnsweredCallChangesNothing() async throws {
        let callee = Callee()
        try await SimulatorHarness.with(dialer: callee.dialer) { h in
            let sid = try #require(try await h.createCall().json["sid"] as? String)
            _ = try await first(of: callee.answered, "the callee to be reached")
            let reply = try await h.updateCall(sid, [("Status", "canceled")])
            #expect(reply.status == 200 && reply.json["status"] as? String == "in-progress")
            let bad = try await h.updateCall(sid, [("Status", "busy")])
            #expect(bad.status == 400)
        }
    }

    @Test func aRedirectToTwiMLWithoutAStreamEndsTheStreamAndTheCall() async throws {
        let callee = Callee()
        let (ended, endedSink) = AsyncStream.makeStream(of: SimulatedCall.self)
        try await SimulatorHarness.with(dialer: callee.dialer, observer: { event in
            if case .ended(let call) = event { endedSink.yield(call) }
        }) { h in
            let sid = try #require(try await h.createCall().json["sid"] as? String)
            _ = try await first(of: callee.answered, "the callee to be reached")
            let goodbye = TwiML.sayAndHangUp("通話を終了します")
            let reply = try await h.updateCall(sid, [("Twiml", goodbye)])
            #expect(reply.status == 200)
            #expect(try await first(of: callee.hungUp, "the media stream to end") == sid)
            let call = try await first(of: ended, "the call to end")
            #expect(call.sid == sid && call.status == .completed && call.duration != nil)
            #expect(call.twiml == goodbye && call.twimlHistory == [SimulatorHarness.streamTwiML, goodbye])
        }
    }

    @Test func aCallWithoutADialerEndsOnItsOwn() async throws {
        let (ended, endedSink) = AsyncStream.makeStream(of: SimulatedCall.self)
        try await SimulatorHarness.with(observer: { event in
            if case .ended(let call) = event { endedSink.yield(call) }
        }) { h in
            let sid = try #require(try await h.createCall().json["sid"] as? String)
            let call = try await first(of: ended, "the call to end")
            #expect(call.sid == sid && call.status == .completed && call.duration == 0)
            let fetched = try await h.send("GET", "\(h.accountPath)/Calls/\(sid).json")
            #expect(fetched.json["status"] as? String == "completed" && fetched.json["duration"] as? String == "0")
            #expect(fetched.json["start_time"] is String && fetched.json["end_time"] is String)
        }
    }
}
