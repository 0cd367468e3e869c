import Foundation
import Gateway
import Scenario
import Simulators

/// The demo's printed timeline and summary, and its checks.
struct DemoReport {
    let outcome: LoopbackCall.Outcome

    func print() {
        let report = outcome.report
        let callee = outcome.callee
        Swift.print("timeline (ms since the media stream started)")
        var lines: [(Int, String, String)] = []
        for e in callee.events { lines.append((e.atMilliseconds, "callee ", e.what)) }
        for e in report.events where Self.worthShowing(e.what) { lines.append((e.atMilliseconds, "gateway", e.what)) }
        for (at, who, what) in lines.sorted(by: { $0.0 < $1.0 }) {
            Swift.print(String(format: "%7d  %@  %@", at, who, what))
        }
        Swift.print("\ntranscript")
        for line in report.transcript {
            let cut = line.cutAtMilliseconds.map { "  [cut off by the callee after \($0) ms]" } ?? ""
            Swift.print("  \(line.speaker == .callee ? "相手" : "AI  "): \(line.text)\(cut)")
        }
        Swift.print("\nmeasured")
        Swift.print("  POST /outbound-call answered in          \(outcome.placeMilliseconds) ms")
        for (i, ms) in callee.responseLatencies.enumerated() {
            Swift.print("  callee's last word → assistant heard (#\(i + 1)) \(ms) ms  (of which 500 ms is the model's end-of-speech wait)")
        }
        for ms in callee.bargeInLatencies {
            Swift.print("  callee cut in → assistant silenced       \(ms) ms  (on the callee's 20 ms clock; the model needs 30 ms of speech)")
        }
        for t in report.truncations {
            let played = callee.playedMilliseconds[t.itemID] ?? 0
            Swift.print("  truncated \(t.itemID) at \(t.audioEndMilliseconds) ms; the callee heard \(played) ms (error \(t.audioEndMilliseconds - played) ms)")
        }
        if let d = callee.hangUpDelay { Swift.print("  last words heard → call ended            \(d) ms") }
        Swift.print("  frames to the model \(report.framesToModel), to the callee \(report.framesToCallee), cut deltas dropped \(report.droppedDeltas)")
        Swift.print("  audio of a cut response after the clear  \(callee.cutAudioAfterClear) frames")
        if let s = report.safetyStatus {
            Swift.print("\nresult: \(s.status.rawValue) — \(s.details) (\(s.location))")
        }
        Swift.print("ended: \(report.endReason?.description ?? "?")")
    }

    /// What went wrong, if anything (the demo then exits 1).
    var problems: [String] {
        var out: [String] = []
        if outcome.report.endReason != .completed { out.append("the call did not end with end_call: \(outcome.report.endReason?.description ?? "no reason")") }
        if outcome.report.safetyStatus == nil { out.append("no safety status was recorded") }
        if outcome.report.truncations.isEmpty { out.append("the barge-in did not happen") }
        if outcome.callee.cutAudioAfterClear > 0 { out.append("audio of a cut response reached the callee after the clear") }
        return out
    }

    static func worthShowing(_ what: String) -> Bool {
        !what.hasPrefix("response resp") || what.contains("cancelled")
    }
}
