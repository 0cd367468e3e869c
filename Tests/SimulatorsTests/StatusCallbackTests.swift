import Foundation
@testable import Simulators
import Testing
import Twilio

/// Status callbacks POSTed to a real receiver on another loopback port.
@Suite struct StatusCallbackTests {
    static let events = ["initiated", "ringing", "answered", "completed"].map { ("StatusCallbackEvent", $0) }

    /// Runs `body` with a simulator and a webhook receiver; the call's StatusCallback is `receiver/call-status`.
    static func withReceiver(order: TwilioAPISimulator.CallbackOrder, _ body: (SimulatorHarness, WebhookRecorder, String) async throws -> Void) async throws {
        let receiver = WebhookRecorder()
        let url = try await receiver.start() + "/call-status"
        do {
            try await SimulatorHarness.with({ $0.callbackOrder = order }) { h in try await body(h, receiver, url) }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func fourCallbacksInOrderWithTwiliosFields() async throws {
        try await Self.withReceiver(order: .inOrder) { h, receiver, url in
            let sid = try #require(try await h.createCall(extra: [("StatusCallback", url)] + Self.events).json["sid"] as? String)
            let received = try await receiver.next(4, within: .seconds(10))
            #expect(received.map { $0.form.value("CallStatus") } == ["initiated", "ringing", "in-progress", "completed"])
            #expect(received.map { $0.form.value("SequenceNumber") } == ["0", "1", "2", "3"])
            for webhook in received {
                #expect(webhook.method == "POST" && webhook.path == "/call-status")
                #expect(webhook.form.value("CallSid") == sid && webhook.form.value("AccountSid") == SimulatorHarness.accountSID)
                #expect(webhook.form.value("From") == SimulatorHarness.from && webhook.form.value("To") == SimulatorHarness.verified)
                #expect(webhook.form.value("CallbackSource") == "call-progress-events" && webhook.form.value("ApiVersion") == "2010-04-01")
                #expect(webhook.form.value("Timestamp")?.hasSuffix("+0000") == true)
            }
            #expect(received.map { $0.form.value("CallDuration") != nil } == [false, false, false, true], "CallDuration only on completed")
        }
    }

    @Test func shuffledCallbacksArriveOutOfOrderButSequenceNumbersTellTheTruth() async throws {
        try await Self.withReceiver(order: .shuffled(seed: 42)) { h, receiver, url in
            _ = try await h.createCall(extra: [("StatusCallback", url)] + Self.events)
            let received = try await receiver.next(4, within: .seconds(10))
            let numbers = received.compactMap { $0.form.value("SequenceNumber").flatMap(Int.init) }
            #expect(numbers.count == 4 && numbers != [0, 1, 2, 3] && numbers.sorted() == [0, 1, 2, 3])
            let inTrueOrder = received.sorted { Int($0.form.value("SequenceNumber")!)! < Int($1.form.value("SequenceNumber")!)! }
            #expect(inTrueOrder.map { $0.form.value("CallStatus") } == ["initiated", "ringing", "in-progress", "completed"])
        }
    }

    @Test func withoutStatusCallbackEventOnlyCompletedIsSent() async throws {
        try await Self.withReceiver(order: .inOrder) { h, receiver, url in
            let sid = try #require(try await h.createCall(extra: [("StatusCallback", url)]).json["sid"] as? String)
            let received = try await receiver.next(1, within: .seconds(10))
            #expect(received[0].form.value("CallStatus") == "completed" && received[0].form.value("SequenceNumber") == "0")
            #expect(received[0].form.value("CallSid") == sid)
        }
    }

    @Test func aHangUpThroughTheAPISendsCompleted() async throws {
        let receiver = WebhookRecorder()
        let url = try await receiver.start() + "/status"
        let (answered, answeredSink) = AsyncStream.makeStream(of: String.self)
        let dialer: TwilioAPISimulator.Dialer = { call in
            answeredSink.yield(call.sid)
            try? await Task.sleep(for: .seconds(3600))
        }
        try await SimulatorHarness.with(dialer: dialer) { h in
            let sid = try #require(try await h.createCall(extra: [("StatusCallback", url), ("StatusCallbackEvent", "answered"), ("StatusCallbackEvent", "completed")]).json["sid"] as? String)
            #expect(try await first(of: answered, "the answer") == sid)
            #expect(try await h.updateCall(sid, [("Status", "completed")]).status == 200)
            let received = try await receiver.next(2, within: .seconds(10))
            #expect(received.map { $0.form.value("CallStatus") } == ["in-progress", "completed"])
            #expect(received.map { $0.form.value("SequenceNumber") } == ["0", "1"])
        }
        await receiver.stop()
    }

    @Test func theShuffleIsSeededAndNeverTheOriginalOrder() {
        for seed in UInt64(0)..<200 {
            let shuffled = TwilioAPISimulator.permuted([0, 1, 2, 3], seed: seed, index: 0)
            #expect(shuffled != [0, 1, 2, 3] && shuffled.sorted() == [0, 1, 2, 3])
            #expect(shuffled == TwilioAPISimulator.permuted([0, 1, 2, 3], seed: seed, index: 0))
        }
        #expect(TwilioAPISimulator.permuted([7], seed: 1, index: 0) == [7])
    }
}
