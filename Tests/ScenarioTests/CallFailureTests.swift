import Foundation
import Gateway
import Realtime
import Scenario
import Simulators
import Testing

/// Each failure ends the call cleanly: the report says why, the callee hears the apology where they
/// may still be listening, and every task and socket of the call is gone.
@Suite(.timeLimit(.minutes(3)))
struct CallFailureTests {
    func run(_ configure: (inout LoopbackCall.Options) -> Void) async throws -> LoopbackCall.Outcome {
        var options = LoopbackCall.Options()
        configure(&options)
        let outcome = try await LoopbackCall(options: options).run()
        #expect(outcome.openStreamsAfter == 0, "the call's tasks ended")
        return outcome
    }

    func heardApology(_ outcome: LoopbackCall.Outcome) -> Bool {
        outcome.twilioCall?.twimlHistory.contains { $0.contains(#"<Say language="ja-JP">"#) && $0.contains("申し訳ございません") } == true
    }

    @Test func realtimeUnreachable() async throws {
        let outcome = try await run { $0.environment["OPENAI_REALTIME_URL"] = "ws://127.0.0.1:9/v1/realtime" }
        guard case .realtimeUnavailable = outcome.report.endReason else {
            Issue.record("ended: \(String(describing: outcome.report.endReason))")
            return
        }
        #expect(heardApology(outcome))
        #expect(outcome.callee.ending == .endedByTwilio)
        #expect(outcome.modelSessions.isEmpty)
        #expect(PrometheusText(outcome.metricsScrape.text).value("anpi_realtime_errors_total", ["code": "connect_failed"]) == 1)
    }

    @Test func realtimeRefusesTheConnection() async throws {
        let outcome = try await run { $0.model.faults = [.refuseConnections] }
        guard case .realtimeUnavailable = outcome.report.endReason else {
            Issue.record("ended: \(String(describing: outcome.report.endReason))")
            return
        }
        #expect(heardApology(outcome))
    }

    @Test func realtimeDropsMidCall() async throws {
        let outcome = try await run { $0.model.faults = [.disconnect(afterMilliseconds: 2500)] }
        guard case .realtimeDropped = outcome.report.endReason else {
            Issue.record("ended: \(String(describing: outcome.report.endReason))")
            return
        }
        #expect(heardApology(outcome))
        #expect(outcome.callee.ending == .endedByTwilio)
    }

    @Test func realtimeServerError() async throws {
        let outcome = try await run { $0.model.faults = [.error(type: "server_error", code: "server_error", message: "The server had an error.", afterMilliseconds: 2500)] }
        #expect(outcome.report.endReason == .realtimeError(code: "server_error", message: "The server had an error."))
        #expect(outcome.report.realtimeErrors == ["server_error"])
        #expect(heardApology(outcome))
        let metrics = PrometheusText(outcome.metricsScrape.text)
        #expect(metrics.value("anpi_realtime_errors_total", ["code": "server_error"]) == 1)
        #expect(metrics.value("anpi_calls_total", ["outcome": "realtime_error"]) == 1)
        #expect(outcome.modelSessions.first?.closedByClient == true)
    }

    @Test func sessionExpired() async throws {
        let outcome = try await run { $0.model.faults = [.sessionExpired(afterMilliseconds: 2500)] }
        #expect(outcome.report.endReason == .sessionExpired)
        #expect(heardApology(outcome))
    }

    @Test func calleeHangsUp() async throws {
        let outcome = try await run { $0.callee.leaving = .hangUp(afterMilliseconds: 2500) }
        #expect(outcome.report.endReason == .calleeHungUp)
        #expect(!heardApology(outcome), "no apology to someone who hung up")
        #expect(outcome.callee.ending == .calleeHungUp)
        #expect(outcome.modelSessions.first?.closedByClient == true, "the gateway closed the model socket")
    }

    @Test func twilioSocketDrops() async throws {
        let outcome = try await run { $0.callee.leaving = .dropSocket(afterMilliseconds: 2500) }
        #expect(outcome.report.endReason == .twilioDisconnected)
        #expect(outcome.modelSessions.first?.closedByClient == true)
    }

    /// A model error mid-call that is not fatal is logged and the call goes on.
    @Test func nonFatalModelErrorIsSurvived() async throws {
        let outcome = try await run { $0.model.faults = [.error(type: "invalid_request_error", code: "invalid_value", message: "bad", afterMilliseconds: 1000)] }
        #expect(outcome.report.endReason == .completed)
        #expect(outcome.report.realtimeErrors == ["invalid_value"])
    }

    /// The result goes to RESULT_WEBHOOK_URL as JSON.
    @Test func resultWebhook() async throws {
        let receiver = WebhookRecorder()
        let url = try await receiver.start()
        let outcome = try await run { $0.environment["RESULT_WEBHOOK_URL"] = url + "/results" }
        let hooks = try await receiver.next(1, within: .seconds(10))
        await receiver.stop()
        let hook = try #require(hooks.first)
        #expect(hook.method == "POST" && hook.path == "/results")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(hook.body.utf8)) as? [String: Any])
        #expect(json["call_id"] as? String == outcome.callID)
        #expect(json["end_reason"] as? String == "completed")
        #expect((json["safety_status"] as? [String: Any])?["status"] as? String == "safe")
        #expect((json["transcript"] as? [[String: Any]])?.count == 6)
        #expect(json["user_id"] as? String == "demo-user-1")
    }
}
