import Foundation
import Gateway
import Realtime
import Scenario
import Simulators
import Testing

/// Whole calls on loopback: gateway + simulated Twilio + simulated Realtime + simulated callee.
@Suite(.timeLimit(.minutes(3)))
struct CallFlowTests {
    /// The demo's conversation in each audio mode: greeting cut by the callee, repeat, record, goodbye, hang-up.
    @Test(arguments: RealtimeAudioFormat.allCases)
    func wholeCall(format: RealtimeAudioFormat) async throws {
        var options = LoopbackCall.Options()
        options.format = format
        let outcome = try await LoopbackCall(options: options).run()
        let report = outcome.report

        #expect(report.endReason == .completed)
        #expect(report.audioFormat == format.rawValue)
        #expect(report.safetyStatus == SafetyStatus(status: .safe, details: "けがなし。家族も無事。", location: "自宅"))
        #expect(report.transcript.filter { $0.speaker == .callee }.map(\.text) == RealtimeScript.safetyConfirmation.calleeTranscripts)
        #expect(report.transcript.filter { $0.speaker == .assistant }.count == 3)
        #expect(outcome.callee.ending == .endedByTwilio, "the gateway hangs up over REST after the goodbye")
        #expect(outcome.twilioCall?.status == .completed)
        #expect(outcome.openStreamsAfter == 0)

        // The model side saw the negotiated format both ways, the purpose of the call, and both tool outputs.
        let session = try #require(outcome.modelSessions.first)
        #expect(outcome.modelSessions.count == 1)
        #expect(session.inputFormat == format && session.outputFormat == format)
        #expect(session.refusedSessionUpdates == 0 && session.sessionUpdates == 1)
        #expect(session.interruptResponse)
        #expect(session.instructions.contains(options.message))
        #expect(session.functionOutputs.count == 2)
        #expect(session.closedByClient, "the gateway closes the model socket at the end of the call")

        // Barge-in: one truncation, accepted, within 40 ms of what the callee actually heard of that item.
        let truncation = try #require(report.truncations.first)
        #expect(report.truncations.count == 1)
        let accepted = session.truncations.filter { $0.accepted }
        #expect(accepted.map(\.audioEndMilliseconds) == [truncation.audioEndMilliseconds])
        let heard = try #require(outcome.callee.playedMilliseconds[truncation.itemID])
        #expect(abs(truncation.audioEndMilliseconds - heard) <= 40, "told the model \(truncation.audioEndMilliseconds) ms, callee heard \(heard) ms")
        #expect(outcome.callee.clears == 1)
        #expect(outcome.callee.cutAudioAfterClear == 0)
        // The goodbye was heard to its end before the hang-up.
        #expect(outcome.callee.hangUpDelay.map { $0 < 2_000 } == true)
    }

    /// The callee cuts in while the model is still streaming (real-time speed): the server cancels, the
    /// gateway drops the rest of that response, and nothing of it reaches the callee after the clear.
    @Test func bargeInWhileTheModelIsStillSending() async throws {
        var options = LoopbackCall.Options()
        options.format = .pcm24k
        options.model.speed = 1.0
        let outcome = try await LoopbackCall(options: options).run()
        let session = try #require(outcome.modelSessions.first)
        #expect(session.cancellations.first == "turn_detected")
        #expect(outcome.report.droppedDeltas > 0, "late deltas of the cut response are dropped")
        #expect(outcome.callee.cutAudioAfterClear == 0)
        let truncation = try #require(outcome.report.truncations.first)
        let heard = outcome.callee.playedMilliseconds[truncation.itemID] ?? -1000
        #expect(abs(truncation.audioEndMilliseconds - heard) <= 40)
        #expect(session.truncations.allSatisfy { $0.accepted })
        #expect(outcome.report.endReason == .completed)
        #expect(outcome.report.transcript.first { $0.itemID == truncation.itemID }?.cutAtMilliseconds == truncation.audioEndMilliseconds)
    }

    /// A callee who stays silent is greeted first once GREETING_WAIT_MS has passed.
    @Test func silentCalleeIsGreetedFirst() async throws {
        var options = LoopbackCall.Options()
        options.environment["GREETING_WAIT_MS"] = "300"
        options.model.script = RealtimeScript(turns: [.init(audio: .assistantWait), .init(audio: .assistantGoodbye, functionCalls: [("end_call", "{}")])])
        options.callee = CalleeScript(lines: [.init(.calleeSafe, .afterSilence(milliseconds: 500))])
        let outcome = try await LoopbackCall(options: options).run()
        #expect(outcome.report.events.contains { $0.what.contains("greets first") })
        let session = try #require(outcome.modelSessions.first)
        #expect(session.clientEvents["response.create"] == 1)
        #expect(outcome.report.endReason == .completed)
        #expect(outcome.callee.responseLatencies.count >= 1)
    }

    /// In pcm24k mode a tone goes callee → μ-law → ×3 up → model (echo) → ×3 down → μ-law → callee
    /// and keeps at least 30 dB SNR.
    @Test func toneRoundTripKeepsThirtyDecibelsInPCM24k() async throws {
        var options = LoopbackCall.Options()
        options.format = .pcm24k
        options.model.script = .echo
        let tone = (0..<8000).map { Int16((sin(2 * Double.pi * 1000 * Double($0) / 8000) * 16000).rounded()) }
        options.callee = CalleeScript(lines: [.init(samples: tone, text: "1 kHz", .after(milliseconds: 300))], leaving: .hangUp(afterMilliseconds: 8000))  // room for the echo on a loaded machine
        let outcome = try await LoopbackCall(options: options).run()
        #expect(outcome.report.endReason == .calleeHungUp)
        let heard = outcome.callee.heard
        // The echoed tone: the longest audible stretch the callee heard; analyse its middle 500 ms.
        let start = try #require(heard.indices.first { abs(Int(heard[$0])) > 4000 })
        let segment = Array(heard[(start + 1600)..<(start + 5600)])
        let snr = ToneAnalysis.snr(segment, frequency: 1000, sampleRate: 8000)
        #expect(snr >= 30, "SNR \(snr) dB")
    }
}
