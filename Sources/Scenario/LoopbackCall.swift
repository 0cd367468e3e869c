import AsyncHTTPClient
import Foundation
import Synchronization
import Gateway
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Realtime
import ServiceLifecycle
import Simulators

/// One whole call on loopback, with no credentials: the gateway, the simulated Twilio API (whose
/// dialer runs a ``SimulatedCallee``) and the simulated Realtime server, each on a free
/// 127.0.0.1 port; the call is placed through `POST /outbound-call` exactly as a user would.
/// `anpi-call demo` and the end-to-end tests run calls this way.
public struct LoopbackCall: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var format: RealtimeAudioFormat = .pcmu
        public var model = RealtimeSimulator.Configuration(script: .safetyConfirmation)
        public var callee = CalleeScript.safetyConfirmation
        public var to = "+819012345678"
        public var message = "地震の後の安否確認です。"
        public var userID = "demo-user-1"
        /// More gateway variables (they win over the scenario's own).
        public var environment: [String: String] = [:]
        /// The longest the whole call may take.
        public var timeout: Duration = .seconds(120)
        /// Gateway log level.
        public var gatewayLogLevel: Logger.Level = .warning
        /// Where the gateway's log lines go (default: standard error).
        public var gatewayLogHandler: (@Sendable (String) -> any LogHandler)?

        public init() {}
    }

    /// What happened, from every side.
    public struct Outcome: Sendable {
        public var callID: String
        public var report: CallReport
        public var callee: CalleeRecording
        public var modelSessions: [RealtimeSessionRecord]
        public var twilioCall: SimulatedCall?
        /// Milliseconds from the POST to its answer.
        public var placeMilliseconds: Int
        /// Media streams the gateway still served once the call had ended (0: every task of the call ended).
        public var openStreamsAfter: Int
        /// `GET /metrics` after the call: status and body.
        public var metricsScrape: (status: Int, text: String)
        /// `GET /calls/{id}` once Twilio's `completed` callback is in: status and body.
        public var storedCall: (status: Int, text: String)
        /// `GET /calls?user_id=…` for the call's user id: status and body.
        public var storedCalls: (status: Int, text: String)
    }

    public let options: Options

    public init(options: Options = .init()) { self.options = options }

    /// Runs the call; `progress` hears each step.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        let recordings = Recordings()
        let calleeScript = options.callee
        let model = RealtimeSimulator(configuration: options.model)
        let realtimeURL = try await model.start()
        progress("simulated Realtime server at \(realtimeURL)")
        var twilioConfiguration = TwilioAPISimulator.Configuration()
        twilioConfiguration.verifiedCallerIDs = [options.to]
        twilioConfiguration.ringDuration = .milliseconds(300)
        let twilio = TwilioAPISimulator(configuration: twilioConfiguration, dialer: { call in
            await recordings.add(await SimulatedCallee(script: calleeScript).run(call: call))
        })
        let twilioURL = try await twilio.start()
        progress("simulated Twilio API at \(twilioURL)")
        let port = try LoopbackPort.free()
        var env = [
            "TWILIO_ACCOUNT_SID": twilioConfiguration.accountSID, "TWILIO_AUTH_TOKEN": twilioConfiguration.authToken,
            "PHONE_NUMBER_FROM": "+15005550006", "OPENAI_API_KEY": "sk-simulated-not-a-real-key",
            "PUBLIC_BASE_URL": "http://127.0.0.1:\(port)", "HOST": "127.0.0.1", "PORT": "\(port)",
            "TWILIO_API_BASE_URL": twilioURL, "OPENAI_REALTIME_URL": realtimeURL, "REALTIME_AUDIO_FORMAT": options.format.rawValue,
            "GREETING_WAIT_MS": "1500",
            // The call's record goes to a folder of its own, removed afterwards.
            "DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("anpi-loopback-\(UUID().uuidString)").path,
        ]
        env.merge(options.environment) { $1 }
        var logger = options.gatewayLogHandler.map { Logger(label: "anpi-call.gateway", factory: $0) } ?? Logger(label: "anpi-call.gateway")
        logger.logLevel = options.gatewayLogLevel
        let http = HTTPClient.shared
        do {
            let configuration = try GatewayConfiguration(variables: env)
            defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
            let server = GatewayServer(configuration: configuration, httpClient: http, logger: logger)
            defer { Task { await server.close() } }
            let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
            let app = server.makeApplication { readyContinuation.yield($0) }
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let running = Task { try await group.run() }
            defer { running.cancel() }
            var iterator = ready.makeAsyncIterator()
            guard await iterator.next() != nil else { throw ScenarioError.gatewayDidNotStart }
            progress("gateway at http://127.0.0.1:\(port) (\(options.format.rawValue))")
            let outcome = try await withDeadline(options.timeout, "the call to end") {
                try await place(server: server, port: port, http: http, recordings: recordings, model: model, twilio: twilio, progress: progress)
            }
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await twilio.stop()
            await model.stop()
            return outcome
        } catch {
            await twilio.stop()
            await model.stop()
            throw error
        }
    }

    private func place(server: GatewayServer, port: Int, http: HTTPClient, recordings: Recordings, model: RealtimeSimulator, twilio: TwilioAPISimulator,
                       progress: @Sendable (String) -> Void) async throws -> Outcome {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/outbound-call")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token = server.configuration.apiAuthToken { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let body = try JSONSerialization.data(withJSONObject: ["to_number": options.to, "message": options.message, "user_id": options.userID])
        request.body = .bytes(ByteBuffer(bytes: [UInt8](body)))
        let clock = ContinuousClock()
        let posted = clock.now
        let response = try await http.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 1 << 20)
        let text = buffer.readString(length: buffer.readableBytes) ?? ""
        let placeMs = Int(posted.duration(to: clock.now) / .milliseconds(1))
        guard response.status == .ok,
              let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let callID = json["call_id"] as? String else {
            throw ScenarioError.callRefused(status: Int(response.status.code), body: text)
        }
        progress("POST /outbound-call → 200 in \(placeMs) ms (call \(json["call_sid"] as? String ?? "?"))")
        let report = await server.calls.waitForEnd(callID)
        progress("call ended: \(report.endReason?.description ?? "?")")
        let callee = await recordings.next()
        // Every task of the call ends with its media stream.
        _ = try? await withDeadline(.seconds(10), "the media stream to close") { await server.calls.waitUntilIdle() }
        let openStreams = await server.calls.openStreams
        // The model side sees the gateway's close a moment later.
        let opened = await model.sessions().count
        _ = try? await withDeadline(.seconds(5), "the model sessions to end") { await model.waitForEndedSessions(opened) }
        let sessions = await model.sessions()
        let twilioCall = await twilio.calls().first { $0.sid == report.callSID }
        _ = try? await withDeadline(.seconds(10), "Twilio's completed callback") { await server.callStatuses.waitFor(callSID: report.callSID, status: "completed") }
        let userQuery = options.userID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Outcome(callID: callID, report: report, callee: callee, modelSessions: sessions, twilioCall: twilioCall, placeMilliseconds: placeMs,
                       openStreamsAfter: openStreams,
                       metricsScrape: try await get("/metrics", server: server, port: port, http: http),
                       storedCall: try await get("/calls/\(callID)", server: server, port: port, http: http),
                       storedCalls: try await get("/calls?user_id=\(userQuery)", server: server, port: port, http: http))
    }

    /// A GET to the gateway with its API token (when it has one): status and body.
    private func get(_ path: String, server: GatewayServer, port: Int, http: HTTPClient) async throws -> (status: Int, text: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)" + path)
        if let token = server.configuration.apiAuthToken { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let response = try await http.execute(request, timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), body.readString(length: body.readableBytes) ?? "")
    }
}

/// The callees' recordings as their calls end.
actor Recordings {
    private var done: [CalleeRecording] = []
    private var waiters: [CheckedContinuation<CalleeRecording, Never>] = []

    func add(_ r: CalleeRecording) {
        if waiters.isEmpty { done.append(r) } else { waiters.removeFirst().resume(returning: r) }
    }

    func next() async -> CalleeRecording {
        if !done.isEmpty { return done.removeFirst() }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Runs `body`, failing with ``ScenarioError/timedOut(_:)`` after `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    // Not a task group: a group waits for all its children, so a body waiting on something that
    // never comes (and ignores cancellation) would hang the caller past the deadline.
    let outcome = FirstOutcome<T>()
    return try await withCheckedThrowingContinuation { continuation in
        outcome.set(continuation)
        let work = Task { outcome.resume(with: await Result { try await body() }) }
        Task {
            try? await Task.sleep(for: limit)
            if outcome.resume(with: .failure(ScenarioError.timedOut(what))) { work.cancel() }
        }
    }
}

/// Resumes a continuation with whichever result comes first.
final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, done: Bool)>((nil, false))

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// True if this result was the first.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.done else { return nil }
            state.done = true
            return state.continuation
        }
        continuation?.resume(with: result)
        return continuation != nil
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
