import ArgumentParser
import Foundation
import Realtime
import Scenario

/// `anpi-call loadtest`: many simulated calls at once, with latency, CPU and memory figures.
struct LoadtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Run many simulated calls through a gateway and measure added latency, lost frames, CPU and memory.",
        discussion: """
            Starts the gateway as a separate process (or uses the one at --target), the simulated Twilio API and \
            the simulated Realtime server in echo mode (it answers each burst of speech with the same audio), and \
            places --calls calls through POST /outbound-call over --ramp seconds. Each simulated callee sends a \
            20 ms μ-law frame every 20 ms with a 200 ms tone burst every 2 s, echoes marks, and times each burst's \
            round trip; the model's own delay (burst + 500 ms of VAD silence − one frame) is subtracted. Gateway \
            CPU and RSS come from /proc over the window when every call is live. Loopback only.
            """)

    @Option(help: "Concurrent calls.")
    var calls = 100

    @Option(help: "Seconds every call is live at once (after the ramp).")
    var seconds = 30.0

    @Option(help: "Model-side audio format: pcmu, pcma or pcm24k.")
    var format = "pcmu"

    @Option(help: "Seconds over which the calls are placed (default: 1 per 50 calls, at least 2).")
    var ramp: Double?

    @Option(help: ArgumentHelp("A gateway already running (its Twilio and Realtime URLs must point at this run's simulators; the URLs are printed).", valueName: "URL"))
    var target: String?

    @Option(name: .customLong("gateway-pid"), help: "With --target: the gateway's pid, for its CPU and memory.")
    var gatewayPID: Int32?

    @Option(name: .customLong("twilio-port"), help: "Port of the simulated Twilio API (0: a free one).")
    var twilioPort = 0

    @Option(name: .customLong("realtime-port"), help: "Port of the simulated Realtime server (0: a free one).")
    var realtimePort = 0

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func validate() throws {
        guard (1...5000).contains(calls) else { throw ValidationError("--calls must be from 1 to 5000") }
        guard seconds >= 3 && seconds <= 3600 else { throw ValidationError("--seconds must be from 3 to 3600") }
        guard RealtimeAudioFormat(rawValue: format) != nil else { throw ValidationError("--format must be pcmu, pcma or pcm24k, not '\(format)'") }
        if let target, !(target.hasPrefix("http://127.") || target.hasPrefix("http://localhost")) {
            throw ValidationError("--target must be a loopback http:// URL (load tests stay on this machine), not '\(target)'")
        }
    }

    func run() async throws {
        var options = LoadTest.Options()
        options.calls = calls
        options.seconds = seconds
        options.format = RealtimeAudioFormat(rawValue: format) ?? .pcmu
        options.ramp = ramp ?? max(2, Double(calls) / 50)
        options.target = target
        options.gatewayPID = gatewayPID
        options.twilioPort = twilioPort
        options.realtimePort = realtimePort
        let terminal = StandardError.isTerminal
        let result: LoadTestResult
        do {
            result = try await LoadTest(options: options).run(
                progress: { line in
                    if terminal { StandardError.write("\r\u{1B}[K" + line) } else { StandardError.write(line + "\n") }
                },
                say: { StandardError.write("loadtest: \($0)\n") })
        } catch {
            StandardError.error("the load test failed: \(error)")
            throw ExitCode(1)
        }
        if terminal { StandardError.write("\n") }
        print(json ? result.json : result.table)
        if result.connected < result.calls { throw ExitCode(1) }
    }
}
