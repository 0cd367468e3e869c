/// A fault waiting to be applied, with how many more requests it applies to.
struct PendingFault: Sendable {
    var fault: SimulatedFault
    var remaining: Int
}
