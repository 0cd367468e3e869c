import Foundation

/// CPU time and resident memory of a process, read from Linux's /proc.
public struct ProcessStats: Sendable, Equatable {
    /// User + system CPU seconds since the process started.
    public var cpuSeconds: Double
    /// Resident set size in KiB.
    public var rssKiB: Int

    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status` (`pid` nil: this process); nil when unreadable.
    public static func read(pid: Int32? = nil) -> ProcessStats? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let stat = try? String(contentsOfFile: base + "/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: base + "/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var rss = 0
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            rss = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return ProcessStats(cpuSeconds: (utime + stime) / ticks, rssKiB: rss)
    }

    /// Open file descriptors of `pid` (sockets included); nil when unreadable.
    public static func openFiles(pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// CPU use between two samples taken `seconds` apart, as % of one core.
    public static func cpuPercent(from a: ProcessStats, to b: ProcessStats, seconds: Double) -> Double {
        seconds > 0 ? (b.cpuSeconds - a.cpuSeconds) / seconds * 100 : 0
    }
}
