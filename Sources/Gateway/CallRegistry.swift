import Twilio

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
    /// The bridges of calls in progress, so a shutdown can end them.
    private var live: [String: CallBridge] = [:]

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

    /// A call's bridge is running.
    func add(_ bridge: CallBridge) { live[bridge.claims.callID] = bridge }

    /// Waits up to `timeout` for every media stream to end; true if they all did. (Checked every
    /// 100 ms: a drain lasts seconds, and this way nothing is left waiting when time is up.)
    public func waitUntilIdle(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while openStreams > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// Ends every call still in progress for `reason` (each hears its message) and returns how many.
    @discardableResult
    func endAll(_ reason: CallEndReason) async -> Int {
        let bridges = Array(live.values)
        await withTaskGroup(of: Void.self) { group in
            for bridge in bridges { group.addTask { await bridge.finish(reason) } }
        }
        return bridges.count
    }

    /// Stores a call's final report and wakes whoever waits for it.
    func finish(_ report: CallReport) {
        live[report.callID] = nil
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
