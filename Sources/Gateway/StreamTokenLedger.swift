/// Where used stream tokens are recorded, so each call's token opens one media stream only: a replayed
/// `start` is refused before any model connection is made.
public protocol StreamTokenLedger: Sendable {
    /// Records `callID`'s token as used; false if it had been used already. `expiresAt` (seconds since
    /// 1970) is when the record may be forgotten: the token is refused as expired from then on anyway.
    func claim(callID: String, expiresAt: Int, now: Int) async -> Bool
}

/// Used tokens kept in this process's memory: single use per instance. The gateway's default,
/// ``StoredStreamTokenLedger``, keeps them in the call store as well, so that instances sharing a
/// PostgreSQL store refuse each other's used tokens.
public actor InMemoryStreamTokenLedger: StreamTokenLedger {
    private var used: [String: Int] = [:]
    private var lastSweep = 0

    /// An empty ledger.
    public init() {}

    /// See ``StreamTokenLedger/claim(callID:expiresAt:now:)``; expired entries are swept once a minute.
    public func claim(callID: String, expiresAt: Int, now: Int) -> Bool {
        if now - lastSweep >= 60 {
            lastSweep = now
            used = used.filter { $0.value >= now }
        }
        guard used[callID] == nil else { return false }
        used[callID] = expiresAt
        return true
    }

    /// Tokens remembered (for tests).
    public var count: Int { used.count }
}
