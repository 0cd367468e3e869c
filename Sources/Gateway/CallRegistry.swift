/// The reports of this process's calls, live and ended, by call id; tests and the demo wait on it.
/// Holds at most `capacity` ended calls (1000 by default, oldest forgotten first); durable storage is a later issue.
public actor CallRegistry {
    private var reports: [String: CallReport] = [:]
    private var ended: [String] = []
    private var waiters: [String: [CheckedContinuation<CallReport, Never>]] = [:]
    private let capacity: Int
    /// `/media-stream` connections being served (each owns all of its call's tasks).
    public private(set) var openStreams = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    public init(capacity: Int = 1000) { self.capacity = capacity }

    func streamOpened() { openStreams += 1 }

    func streamClosed() {
        openStreams -= 1
        if openStreams == 0 {
            for w in idleWaiters { w.resume() }
            idleWaiters.removeAll()
        }
    }

    /// Waits until no media stream is being served: every call's tasks have ended.
    public func waitUntilIdle() async {
        if openStreams == 0 { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stores the current state of a call.
    func update(_ report: CallReport) {
        reports[report.callID] = report
    }

    /// Stores a call's final report and wakes whoever waits for it.
    func finish(_ report: CallReport) {
        reports[report.callID] = report
        ended.append(report.callID)
        if ended.count > capacity { reports[ended.removeFirst()] = nil }
        for w in waiters.removeValue(forKey: report.callID) ?? [] { w.resume(returning: report) }
    }

    /// The report of `callID`, live or ended.
    public func report(_ callID: String) -> CallReport? { reports[callID] }

    /// Every report held.
    public func all() -> [CallReport] { Array(reports.values) }

    /// Waits until `callID` has ended and returns its final report.
    public func waitForEnd(_ callID: String) async -> CallReport {
        if let r = reports[callID], r.endReason != nil { return r }
        return await withCheckedContinuation { waiters[callID, default: []].append($0) }
    }
}
