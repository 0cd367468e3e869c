import ArgumentParser
import Foundation
import Gateway
import Logging
import MediaCore
import Realtime
import Scenario
import Simulators

/// `anpi-call demo`: a whole safety-confirmation call on loopback with the simulators, no credentials.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a whole simulated safety-confirmation call on loopback (no credentials) and write a recording.",
        discussion: """
            Starts the gateway, the simulated Twilio API and the simulated Realtime server on 127.0.0.1, places a
            call through POST /outbound-call, and lets a scripted callee talk with the scripted assistant: 「もしもし」,
            a barge-in over the greeting, record_safety_status, goodbye and end_call. Prints a timeline with the
            latencies measured and writes a stereo WAV (callee left, assistant right, as the callee heard it).
            """)

    @Option(help: "Model-side audio format: pcmu, pcma or pcm24k.")
    var format: String = "pcmu"

    @Option(name: .shortAndLong, help: "Where to write the stereo recording.")
    var output: String = "demo-call.wav"

    @Flag(help: "Show the gateway's log (info level).")
    var verbose = false

    func run() async throws {
        guard let mode = RealtimeAudioFormat(rawValue: format) else {
            StandardError.error("--format must be pcmu, pcma or pcm24k, not '\(format)'")
            throw ExitCode(2)
        }
        var options = LoopbackCall.Options()
        options.format = mode
        options.gatewayLogLevel = verbose ? .info : .warning
        print("anpi-call demo: a simulated 安否確認 call on loopback (\(mode.rawValue)); about 30 seconds of real time\n")
        let outcome: LoopbackCall.Outcome
        do {
            outcome = try await LoopbackCall(options: options).run { print("  · \($0)") }
        } catch {
            StandardError.error("the demo call failed: \(error)")
            throw ExitCode(1)
        }
        print("")
        DemoReport(outcome: outcome).print()
        do {
            try WAVFile.write(path: output, sampleRate: 8000, channels: [outcome.callee.said, outcome.callee.heard])
            let seconds = Double(outcome.callee.heard.count) / 8000
            print("\nwrote \(output): \(String(format: "%.1f", seconds)) s, stereo 8 kHz (left: callee, right: assistant as heard)")
        } catch {
            StandardError.error("cannot write \(output): \(error)")
            throw ExitCode(1)
        }
        let problems = DemoReport(outcome: outcome).problems
        if !problems.isEmpty {
            for p in problems { StandardError.error(p) }
            throw ExitCode(1)
        }
    }
}
