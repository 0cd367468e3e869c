import Gateway
import Logging
import Scenario
import Synchronization
import Testing
import Twilio

/// Issue 6, point 6: `/metrics` scrapes in Prometheus' text format with the call's figures, and the
/// gateway's log lines carry the call id and never a secret.
@Suite struct ObservabilityTests {
    static let apiToken = "observability-api-token-0123456789"

    @Test func aCallShowsInTheMetricsAndTheLogs() async throws {
        let lines = CapturedLog()
        var options = LoopbackCall.Options()
        options.environment["API_AUTH_TOKEN"] = Self.apiToken
        options.gatewayLogLevel = .trace
        options.gatewayLogHandler = { label in CapturedLogHandler(label: label, lines: lines) }
        let outcome = try await LoopbackCall(options: options).run()
        #expect(outcome.report.endReason == .completed)

        // Metrics: a well-formed scrape, through the API token, with this call's figures.
        #expect(outcome.metricsScrape.status == 200)
        let metrics = PrometheusText(outcome.metricsScrape.text)
        #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
        #expect(metrics.value("anpi_active_calls") == 0)
        #expect(metrics.value("anpi_calls_total", ["outcome": "completed"]) == 1)
        #expect(metrics.value("anpi_frames_total", ["direction": "to_model"]) == Double(outcome.report.framesToModel))
        #expect(metrics.value("anpi_frames_total", ["direction": "to_callee"]) == Double(outcome.report.framesToCallee))
        #expect(outcome.report.framesToCallee > 100)
        let relayed = try #require(metrics.value("anpi_relay_latency_seconds_count", ["direction": "to_callee"]))
        #expect(relayed >= 1)
        #expect(metrics.value("anpi_relay_latency_seconds_bucket", ["direction": "to_callee", "le": "+Inf"]) == relayed)
        // The demo's callee cuts the assistant off once.
        #expect(!outcome.report.truncations.isEmpty)
        #expect(metrics.value("anpi_barge_ins_total") == 1)
        #expect(outcome.metricsScrape.text.contains("# TYPE anpi_relay_latency_seconds histogram"))

        // Logs: every line the gateway wrote about the call carries its id; no secret anywhere.
        let captured = lines.all
        let about = captured.filter { ($0.source == "Gateway" || $0.source == "Realtime") && !$0.message.hasPrefix("draining") && !$0.message.hasPrefix("drained") }
        #expect(about.count > 20)
        let withoutID = about.filter { $0.metadata["call_id"] != outcome.callID }
        #expect(withoutID.isEmpty, "\(withoutID.prefix(5).map(\.message))")
        let token = outcome.twilioCall?.streamParameters.first { $0.name == StreamToken.Parameter.token }?.value
        for secret in ["simulated-auth-token", "sk-simulated-not-a-real-key", Self.apiToken, "derived-from-auth-token", try #require(token)] {
            #expect(!captured.contains { $0.text.contains(secret) }, "a log line shows \(secret.prefix(8))…")
        }
    }
}

/// Log lines captured in memory.
final class CapturedLog: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var source: String
        var text: String { "\(level) \(metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) \(message)" }
    }

    private let lines = Mutex<[Line]>([])

    func append(_ line: Line) { lines.withLock { $0.append(line) } }
    var all: [Line] { lines.withLock { $0 } }
}

struct CapturedLogHandler: LogHandler {
    let label: String
    let lines: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        var all = metadata
        for (k, v) in extra ?? [:] { all[k] = v }
        lines.append(.init(level: level, message: message.description, metadata: all.mapValues { "\($0)" }, source: source))
    }
}
