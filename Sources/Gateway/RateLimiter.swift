/// Token buckets by key: each key may spend `perMinute` at once and earns them back evenly over a
/// minute. Pure (time is an argument), so it is tested without waiting. Keys whose bucket is full
/// again are forgotten, so memory follows the keys seen in the last minute, not all time.
struct RateLimiter: Sendable {
    let perMinute: Int
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    private var lastSweep = 0.0

    init(perMinute: Int) { self.perMinute = perMinute }

    private var ratePerSecond: Double { Double(perMinute) / 60 }

    /// Seconds until `key` may spend one more (0 when it may now), without spending.
    func wait(_ key: String, now: Double) -> Int {
        let tokens = available(key, now: now)
        guard tokens < 1 else { return 0 }
        return Int(((1 - tokens) / ratePerSecond).rounded(.up))
    }

    /// Spends one for `key`; call only after ``wait(_:now:)`` returned 0.
    mutating func spend(_ key: String, now: Double) {
        buckets[key] = (available(key, now: now) - 1, now)
        if now - lastSweep > 60 { sweep(now: now) }
    }

    /// Spends one if it may and returns 0, else the seconds to wait.
    mutating func take(_ key: String, now: Double) -> Int {
        let w = wait(key, now: now)
        if w == 0 { spend(key, now: now) }
        return w
    }

    /// Keys remembered (for tests).
    var keyCount: Int { buckets.count }

    private func available(_ key: String, now: Double) -> Double {
        guard let b = buckets[key] else { return Double(perMinute) }
        return min(Double(perMinute), b.tokens + max(0, now - b.at) * ratePerSecond)
    }

    private mutating func sweep(now: Double) {
        lastSweep = now
        buckets = buckets.filter { available($0.key, now: now) < Double(perMinute) }
    }
}
