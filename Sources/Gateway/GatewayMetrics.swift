import CoreMetrics
import Prometheus
import Realtime
import Twilio

/// The gateway's metrics (swift-metrics, exported in Prometheus text at `GET /metrics`). Each server
/// has its own registry, so several gateways in one process (the tests) do not mix their figures.
///
/// Per-frame figures are not counted per frame: each call adds its frame counts once a second and at
/// its end, so the hot path takes no lock for metrics.
public final class GatewayMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    /// Calls whose media stream is running.
    private let activeCalls: CoreMetrics.Meter
    private let framesToModel: CoreMetrics.Counter
    private let framesToCallee: CoreMetrics.Counter
    /// Model audio's arrival to its first frame handed to Twilio's socket, for audio that did not
    /// have to wait behind earlier audio still playing.
    private let relayLatency: CoreMetrics.Timer
    private let bargeIns: CoreMetrics.Counter

    static let relayLatencyName = "anpi_relay_latency_seconds"

    /// Metrics in a registry of their own.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.relayLatencyName] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map { .milliseconds($0) }
        self.factory = factory
        activeCalls = CoreMetrics.Meter(label: "anpi_active_calls", factory: factory)
        framesToModel = CoreMetrics.Counter(label: "anpi_frames_total", dimensions: [("direction", "to_model")], factory: factory)
        framesToCallee = CoreMetrics.Counter(label: "anpi_frames_total", dimensions: [("direction", "to_callee")], factory: factory)
        relayLatency = CoreMetrics.Timer(label: Self.relayLatencyName, dimensions: [("direction", "to_callee")], factory: factory)
        bargeIns = CoreMetrics.Counter(label: "anpi_barge_ins_total", factory: factory)
        // Present from the start, so a scrape shows the series before the first call.
        activeCalls.set(0)
    }

    /// A call record could not be written.
    func storeError() {
        CoreMetrics.Counter(label: "anpi_store_errors_total", factory: factory).increment()
    }

    /// A call's media stream started or ended.
    func streamStarted() { activeCalls.increment() }
    func streamEnded() { activeCalls.decrement() }

    /// The callee cut the assistant off.
    func bargeIn() { bargeIns.increment() }

    /// Model audio waited `duration` in the gateway before its first frame went to Twilio.
    func relayed(after duration: Duration) {
        let c = duration.components
        relayLatency.recordNanoseconds(c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000)
    }

    /// Frames relayed since the last report.
    func frames(toModel: Int, toCallee: Int) {
        framesToModel.increment(by: Int64(toModel))
        framesToCallee.increment(by: Int64(toCallee))
    }

    /// A call ended for `reason`.
    func callEnded(_ reason: CallEndReason) {
        CoreMetrics.Counter(label: "anpi_calls_total", dimensions: [("outcome", reason.code)], factory: factory).increment()
    }

    /// A call or request was refused before anything was spent (`reason`: unauthorized, rate_limited, …).
    func refused(_ reason: String) {
        CoreMetrics.Counter(label: "anpi_refused_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// An `error` event from the model, or a failed connection (`code` such as `server_error`, `connect_failed`).
    func realtimeError(code: String) {
        CoreMetrics.Counter(label: "anpi_realtime_errors_total", dimensions: [("code", code)], factory: factory).increment()
    }

    /// A failed Twilio REST request: Twilio's error code, or `timeout` / `unreachable` / `malformed` / `http_<status>`.
    func twilioError(_ error: any Error) {
        let code: String
        switch error {
        case let e as TwilioAPIError: code = e.code.map(String.init) ?? "http_\(e.httpStatus)"
        case let e as TwilioClientError:
            switch e {
            case .timeout: code = "timeout"
            case .unreachable: code = "unreachable"
            case .malformedResponse: code = "malformed"
            }
        default: code = "other"
        }
        CoreMetrics.Counter(label: "anpi_twilio_api_errors_total", dimensions: [("code", code)], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }
}
