/// Token buckets by key: each key may spend `burst` at once and earns them back at `ratePerSecond`
/// (the API and call limits: a minute's worth at once, earned back over the minute; a campaign's
/// pace: a second's worth). Pure (time is an argument), so it is tested without waiting. Keys whose
/// bucket is full again are forgotten, so memory follows the keys seen lately, not all time.
struct RateLimiter: Sendable {
    let ratePerSecond: Double
    let burst: Double
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    private var lastSweep = 0.0

    init(ratePerSecond: Double, burst: Double) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// `perMinute` at once, earned back evenly over a minute.
    init(perMinute: Int) { self.init(ratePerSecond: Double(perMinute) / 60, burst: Double(perMinute)) }

    /// Seconds until `key` may spend one more (0 when it may now), without spending.
    func wait(_ key: String, now: Double) -> Int {
        let tokens = available(key, now: now)
        guard tokens < 1 else { return 0 }
        return Int(((1 - tokens) / ratePerSecond).rounded(.up))
    }

    /// Spends `count` for `key`; call only when ``available(_:now:)`` allowed it.
    mutating func spend(_ key: String, count: Int = 1, now: Double) {
        buckets[key] = (available(key, now: now) - Double(count), now)
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

    /// What `key` may spend now.
    func available(_ key: String, now: Double) -> Double {
        guard let b = buckets[key] else { return burst }
        return min(burst, b.tokens + max(0, now - b.at) * ratePerSecond)
    }

    private mutating func sweep(now: Double) {
        lastSweep = now
        buckets = buckets.filter { available($0.key, now: now) < burst }
    }
}
