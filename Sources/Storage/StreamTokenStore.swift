/// Stream tokens already used, kept in the shared store so that a token opens one media stream only,
/// whichever instance behind the load balancer receives it.
public protocol StreamTokenStore: Sendable {
    /// Records `callID`'s token as used; false if any instance on this store had used it already.
    /// `expiresAt` and `now` are seconds since 1970; expired records are forgotten.
    func claimStreamToken(callID: String, expiresAt: Int, now: Int) async throws(StoreError) -> Bool
}
