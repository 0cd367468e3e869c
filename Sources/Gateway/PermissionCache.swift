import Twilio

/// Remembers for a short time whether a destination may be called, so a burst
/// of calls to one number costs one pair of Twilio look-ups.
actor PermissionCache {
    private var entries: [E164Number: (allowed: Bool, until: ContinuousClock.Instant)] = [:]
    private let lifetime: Duration
    private let clock = ContinuousClock()

    init(lifetime: Duration) { self.lifetime = lifetime }

    /// The cached answer for `number`, or the answer of `lookUp`, cached.
    func isAllowed(_ number: E164Number, lookUp: @Sendable () async throws -> Bool) async throws -> Bool {
        if let entry = entries[number], entry.until > clock.now { return entry.allowed }
        let allowed = try await lookUp()
        if lifetime > .zero {
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }  // bounded: a crude but safe cap
            entries[number] = (allowed, clock.now + lifetime)
        }
        return allowed
    }
}
