import Foundation
import Twilio

/// Decides whether a call or an API request may go ahead (``CallLimits``) and keeps the count of
/// calls in progress: an outbound call counts from the moment it is admitted until Twilio reports a
/// final status, its media stream ends, or it has rung for longer than Twilio would let it; an
/// inbound call counts while its stream runs. Once draining (SIGTERM), no new call is admitted.
public actor CallAdmission {
    /// Why a request was not admitted.
    public enum Refusal: Error, Equatable, Sendable {
        /// Over a rate or the concurrency cap: the answer is 429 with `Retry-After`.
        case limited(String, retryAfterSeconds: Int)
        /// The destination is not in `ALLOWED_DESTINATIONS`.
        case destinationNotAllowed(E164Number)
        /// The gateway is shutting down.
        case draining

        /// The `reason` label of `anpi_refused_total`.
        public var metricReason: String {
            switch self {
            case .limited: "call_rate_limited"
            case .destinationNotAllowed: "destination_not_allowed"
            case .draining: "draining"
            }
        }
    }

    private let limits: CallLimits
    private let ringDeadlineSeconds: Double
    private let clock: @Sendable () -> Double
    private var callsOverall: RateLimiter
    private var callsPerDestination: RateLimiter
    private var apiPerClient: RateLimiter
    /// Outbound calls admitted whose stream has not started: call id → deadline.
    private var ringing: [String: Double] = [:]
    private var callIDBySID: [String: String] = [:]
    private var streaming: Set<String> = []
    public private(set) var draining = false

    /// Admission under `limits`; a ringing call is forgotten after `ringDeadlineSeconds` without a stream.
    public init(limits: CallLimits, ringDeadlineSeconds: Int, clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.limits = limits
        self.ringDeadlineSeconds = Double(ringDeadlineSeconds)
        self.clock = clock
        callsOverall = RateLimiter(perMinute: limits.callsPerMinute)
        callsPerDestination = RateLimiter(perMinute: limits.callsPerMinutePerDestination)
        apiPerClient = RateLimiter(perMinute: limits.apiRequestsPerMinute)
    }

    /// Calls ringing or streaming now.
    public var callsInProgress: Int {
        pruneRinging()
        return ringing.count + streaming.count
    }

    /// Calls whose media stream is running.
    public var activeStreams: Int { streaming.count }

    /// One REST request from `client`: nil when it may go ahead, else the seconds to wait.
    public func admitRequest(from client: String) -> Int? {
        let wait = apiPerClient.take(client, now: clock())
        return wait == 0 ? nil : wait
    }

    /// Admits an outbound call to `number` under the destination list, the concurrency cap and both rates.
    public func admitOutbound(callID: String, to number: E164Number) throws(Refusal) {
        guard !draining else { throw .draining }
        guard limits.allows(number) else { throw .destinationNotAllowed(number) }
        guard callsInProgress < limits.maxConcurrentCalls else {
            throw .limited("\(limits.maxConcurrentCalls) calls are already in progress (MAX_CONCURRENT_CALLS)", retryAfterSeconds: 10)
        }
        let now = clock()
        let overall = callsOverall.wait("all", now: now)
        guard overall == 0 else {
            throw .limited("more than \(limits.callsPerMinute) calls a minute (CALLS_PER_MINUTE)", retryAfterSeconds: overall)
        }
        let perNumber = callsPerDestination.wait(number.rawValue, now: now)
        guard perNumber == 0 else {
            throw .limited("more than \(limits.callsPerMinutePerDestination) calls a minute to \(number.masked) (CALLS_PER_MINUTE_PER_DESTINATION)", retryAfterSeconds: perNumber)
        }
        callsOverall.spend("all", now: now)
        callsPerDestination.spend(number.rawValue, now: now)
        ringing[callID] = now + ringDeadlineSeconds
    }

    /// Whether an inbound call may be answered now.
    public func admitsInbound() -> Bool {
        !draining && callsInProgress < limits.maxConcurrentCalls
    }

    /// Twilio accepted the outbound call `callID` as `callSID`.
    public func placed(callID: String, callSID: String) {
        callIDBySID[callSID] = callID
    }

    /// The gateway's call id of Twilio's `callSID`, while the call is known.
    public func callID(forSID callSID: String) -> String? { callIDBySID[callSID] }

    /// The call was not placed after all (Twilio refused): its slot is free again.
    public func notPlaced(callID: String) {
        ringing[callID] = nil
    }

    /// A status callback: a final status frees a call that never streamed.
    public func status(_ status: String, callSID: String) {
        guard ["completed", "busy", "no-answer", "failed", "canceled"].contains(status),
              let callID = callIDBySID.removeValue(forKey: callSID) else { return }
        ringing[callID] = nil
    }

    /// The media stream of `callID` started.
    public func streamStarted(callID: String) {
        ringing[callID] = nil
        streaming.insert(callID)
    }

    /// The media stream of `callID` ended.
    public func streamEnded(callID: String) {
        streaming.remove(callID)
    }

    /// Stop admitting calls (SIGTERM).
    public func startDraining() { draining = true }

    private func pruneRinging() {
        let now = clock()
        ringing = ringing.filter { $0.value > now }
        if callIDBySID.count > 4 * max(ringing.count, 1000) {
            // Calls that streamed and ended never get removed by a final status if that callback is lost.
            callIDBySID = callIDBySID.filter { ringing[$0.value] != nil }
        }
    }
}
