import ArgumentParser
import Foundation
import MediaCore

/// `anpi-call audio bench`: throughput and quality of the media core beside speexdsp.
struct AudioBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the media core beside speexdsp quality 3 and 5.",
        discussion: """
            Times each stage on 20 ms chunks (int16) in interleaved rounds and keeps each
            stage's best round; then measures each resampler's delay, passband ripple
            (0–3.4 kHz) and rejection of what would fold into 0–3.4 kHz. Build with
            -c release for meaningful figures.
            """
    )

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Option(help: "Timed rounds per stage.")
    var rounds = 5

    @Option(name: .customLong("round-ms"), help: "Milliseconds per round.")
    var roundMilliseconds = 150

    func run() throws {
        guard rounds > 0, roundMilliseconds > 0 else {
            StandardError.error("--rounds and --round-ms must be positive")
            throw ExitCode(2)
        }
        let benchmark = AudioBenchmark(roundSeconds: Double(roundMilliseconds) / 1000, rounds: rounds)
        let progress = StandardError.isTerminal
        let report = try benchmark.run { step in
            if progress { StandardError.write("\r\u{1B}[K\(step)") }
        }
        if progress { StandardError.write("\r\u{1B}[K") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            // speexdsp on equal rates reports an infinite rejection: keep the JSON valid.
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("anpi-call audio bench — kernel \(report.kernel), 20 ms chunks, int16, best of \(rounds) rounds")
        print("")
        print(pad("stage", 44) + pad("Msamples/s", 12, right: true) + pad("ns/chunk", 12, right: true))
        for s in report.stages {
            print(pad(s.name, 44) + pad(fixed(s.megasamplesPerSecond, 1), 12, right: true) + pad(fixed(s.nanosecondsPerChunk, 0), 12, right: true))
        }
        print("")
        print(pad("resampler", 30) + pad("Ms/s", 8, right: true) + pad("×q3", 7, right: true) + pad("×q5", 7, right: true)
            + pad("delay ms", 10, right: true) + pad("ripple dB", 11, right: true) + pad("reject dB", 11, right: true))
        for r in report.resamplers {
            print(pad("\(r.path) \(r.kind)", 30) + pad(fixed(r.megasamplesPerSecond, 1), 8, right: true)
                + pad(r.speedupVsSpeexQ3.map { fixed($0, 1) } ?? "", 7, right: true)
                + pad(r.speedupVsSpeexQ5.map { fixed($0, 1) } ?? "", 7, right: true)
                + pad(fixed(r.delayMilliseconds, 2), 10, right: true)
                + pad(fixed(r.passbandRippleDB, 3), 11, right: true) + pad(fixed(r.rejectionDB, 1), 11, right: true))
        }
    }

    private func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
