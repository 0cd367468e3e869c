import Foundation

/// The simulator's private state of one call: the public snapshot plus what drives its progress.
struct CallRecord: Sendable {
    var call: SimulatedCall
    /// Fires when the call ends, waking its progress task (and cancelling its dialer).
    let ended = OneShotSignal()
    /// The call's position among all calls created, to vary the callback shuffle per call.
    let index: UInt64
    let dateCreated: Date
    var dateUpdated: Date
    var startTime: Date?
    var endTime: Date?
    var answeredAt: ContinuousClock.Instant?
    /// The next status callback's `SequenceNumber`.
    var nextSequenceNumber = 0
    /// Whether the `completed` progress event was produced (it is produced once).
    var completedReported = false
    /// The TwiML in force has no stream: the call plays it and ends.
    var endsAfterTwiML = false

    /// Ends the call now with `status` unless it is already over; returns whether it changed.
    mutating func end(_ status: SimulatedCall.Status, now: Date = Date()) -> Bool {
        guard !call.status.isOver else { return false }
        call.status = status
        endTime = now
        dateUpdated = now
        call.duration = answeredAt.map { start in
            let elapsed = ContinuousClock.now - start
            return Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18).rounded())
        } ?? 0
        return true
    }
}
