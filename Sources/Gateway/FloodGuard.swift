/// Bounds how fast one media stream may send messages. Twilio sends 50 `media` a second plus at most
/// one `mark` echo per frame we send, and after a network stall it may deliver a backlog at once; a
/// peer that keeps sending much faster than that is flooding, and its stream is closed. Pure: time is
/// an argument.
struct FloodGuard: Sendable {
    /// Messages that may arrive at once (20 s of a normal stream's media and marks).
    static let burst = 2000.0
    /// Messages a second earned back (twice a normal stream's 100).
    static let perSecond = 200.0

    private var tokens = burst
    private var lastMilliseconds: UInt64 = 0

    /// Whether one more message at `nowMilliseconds` is within the limit.
    mutating func allow(nowMilliseconds: UInt64) -> Bool {
        let elapsed = Double(nowMilliseconds &- min(lastMilliseconds, nowMilliseconds)) / 1000
        lastMilliseconds = max(lastMilliseconds, nowMilliseconds)
        tokens = min(Self.burst, tokens + elapsed * Self.perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// The close reason sent to a flooding peer.
    static var reason: String { "flood: more than \(Int(burst)) messages at once or \(Int(perSecond)) a second" }
}
