/// A signal that fires once and that any number of tasks can wait for.
///
/// Waiting is cancellable: a cancelled waiter returns at once. Used for "this call
/// ended" and "the simulator is stopping", which release sleeps early.
actor OneShotSignal {
    private(set) var fired = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    /// Fires the signal, releasing every waiter now and later.
    func fire() {
        fired = true
        let pending = waiters.values
        waiters.removeAll()
        for waiter in pending { waiter.resume() }
    }

    /// Returns once the signal has fired or the task is cancelled.
    func wait() async {
        if fired { return }
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if fired || Task.isCancelled { continuation.resume() } else { waiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.release(id) }
        }
    }

    private func release(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Sleeps for `duration` unless `signal` fires first (or the task is cancelled).
    /// - Returns: true when the whole duration passed.
    static func sleep(for duration: Duration, unless signal: OneShotSignal) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await Task.sleep(for: duration)) != nil }
            group.addTask {
                await signal.wait()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
