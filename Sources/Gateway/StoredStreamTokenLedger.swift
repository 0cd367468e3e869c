import Logging
import Storage

/// Used stream tokens kept in the call store, so a token opens one media stream whichever instance
/// sharing the store receives it (the gateway's default). A replay on this instance is refused from
/// memory without asking the store. When the store cannot answer, the token is accepted (after the
/// local check) and the failure logged and counted: a store outage must not stop every call, and the
/// token is still signed, bound to its call and expires after `STREAM_TOKEN_TTL_SECONDS`.
public struct StoredStreamTokenLedger: StreamTokenLedger {
    let store: any StreamTokenStore
    let local = InMemoryStreamTokenLedger()
    let metrics: GatewayMetrics
    let logger: Logger

    /// A ledger in `store`; store failures are counted in `metrics` and logged to `logger`.
    public init(store: any StreamTokenStore, metrics: GatewayMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    public func claim(callID: String, expiresAt: Int, now: Int) async -> Bool {
        guard await local.claim(callID: callID, expiresAt: expiresAt, now: now) else { return false }
        do {
            return try await store.claimStreamToken(callID: callID, expiresAt: expiresAt, now: now)
        } catch {
            metrics.storeError()
            logger.error("stream token use not checked across instances (the store failed): \(error)", metadata: ["call_id": "\(callID)"])
            return true
        }
    }
}
