import Foundation

/// What `anpi-call loadtest` measured.
public struct LoadTestResult: Sendable {
    public var calls: Int
    /// Calls whose callee connected and sent audio.
    public var connected: Int
    public var seconds: Double
    public var format: String
    /// Frames the callees sent to the gateway, and received from it.
    public var framesIn = 0
    public var framesOut = 0
    public var bursts = 0
    public var echoes = 0
    public var lostFrames = 0
    public var gaps = 0
    /// Added round-trip latency of the echoed bursts, ms.
    /// The simulated model's own delay subtracted from each round trip (median of what it reported).
    public var modelDelayMilliseconds = 0.0
    public var p50 = 0.0
    public var p99 = 0.0
    public var max = 0.0
    /// The gateway, over the window when every call was live (nil with --target and no --gateway-pid).
    public var gatewayCPUPercent: Double?
    public var gatewayIdleRSSKiB: Int?
    public var gatewayPeakRSSKiB: Int?
    /// The gateway's open descriptors before the calls and once they have all ended (a leak shows as a difference).
    public var gatewayIdleFDs: Int?
    public var gatewayFDsAfter: Int?
    /// This process (callees and simulated model) over the same window.
    public var loadGeneratorCPUPercent = 0.0
    public var windowSeconds = 0.0
    public var errors: [String] = []

    public var cpuPercentPerCall: Double? { gatewayCPUPercent.map { $0 / Double(Swift.max(1, connected)) } }
    public var rssKiBPerCall: Double? {
        guard let idle = gatewayIdleRSSKiB, let peak = gatewayPeakRSSKiB else { return nil }
        return Double(peak - idle) / Double(Swift.max(1, connected))
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// The one JSON object of `--json`.
    public var json: String {
        var o: [String: Any] = [
            "calls": calls, "connected": connected, "seconds": seconds, "format": format,
            "frames_in": framesIn, "frames_out": framesOut, "bursts": bursts, "echoes": echoes, "lost_frames": lostFrames, "gaps": gaps,
            "added_latency_ms": ["p50": round2(p50), "p99": round2(p99), "max": round2(max)], "model_delay_ms": round2(modelDelayMilliseconds),
            "load_generator_cpu_percent": round2(loadGeneratorCPUPercent), "window_seconds": round2(windowSeconds), "errors": errors,
        ]
        var g: [String: Any] = [:]
        if let c = gatewayCPUPercent { g["cpu_percent"] = round2(c) }
        if let c = cpuPercentPerCall { g["cpu_percent_per_call"] = (c * 1000).rounded() / 1000 }
        if let r = gatewayIdleRSSKiB { g["rss_idle_kib"] = r }
        if let r = gatewayPeakRSSKiB { g["rss_peak_kib"] = r }
        if let r = rssKiBPerCall { g["rss_kib_per_call"] = round2(r) }
        if let f = gatewayIdleFDs { g["fds_idle"] = f }
        if let f = gatewayFDsAfter { g["fds_after"] = f }
        o["gateway"] = g
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The table printed at the end.
    public var table: String {
        func f(_ v: Double?, _ digits: Int = 1, _ unit: String = "") -> String {
            v.map { String(format: "%.\(digits)f", $0) + unit } ?? "n/a"
        }
        return """
            calls           \(connected)/\(calls) connected, \(format), \(f(seconds, 0)) s each
            frames          \(framesIn) in, \(framesOut) out; \(bursts) bursts, \(echoes) echoed
            lost / gaps     \(lostFrames) frames lost, \(gaps) playback gaps
            added latency   p50 \(f(p50, 2)) ms, p99 \(f(p99, 2)) ms, max \(f(max, 2)) ms (round trip minus the model's own \(f(modelDelayMilliseconds, 0)) ms)
            gateway CPU     \(f(gatewayCPUPercent, 1, " %")) of a core (\(f(cpuPercentPerCall, 3, " %")) per call) over \(f(windowSeconds, 1)) s
            gateway RSS     idle \(f(gatewayIdleRSSKiB.map { Double($0) / 1024 }, 1, " MiB")), peak \(f(gatewayPeakRSSKiB.map { Double($0) / 1024 }, 1, " MiB")) (\(f(rssKiBPerCall, 1, " KiB")) per call)
            gateway fds     \(gatewayIdleFDs.map(String.init) ?? "n/a") before the calls, \(gatewayFDsAfter.map(String.init) ?? "n/a") after they ended
            load generator  \(f(loadGeneratorCPUPercent, 1, " %")) of a core (callees + simulated model)
            """ + (errors.isEmpty ? "" : "\nerrors          " + errors.prefix(5).joined(separator: "; "))
    }

    private func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}
