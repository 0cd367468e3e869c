import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A faithful local stand-in for Twilio's Voice REST API (2010-04-01) on
/// 127.0.0.1: create and update calls, the caller-id and number lists, both
/// error shapes, Basic auth, status callbacks in or out of order, and fault
/// injection. Tests, the demo and the load test point `TWILIO_API_BASE_URL`
/// at it; `GET /sim/calls` shows the TwiML each call carried.
public final class TwilioAPISimulator: Sendable {
    /// The simulated account.
    public struct Configuration: Sendable {
        /// Obviously fake defaults: this is a test tool.
        public var accountSID = "ACsimulated00000000000000000000000"
        public var authToken = "simulated-auth-token"
        /// Numbers `OutgoingCallerIds.json` lists (allowed `From` and destinations).
        public var verifiedCallerIDs: Set<String> = []
        /// Numbers `IncomingPhoneNumbers.json` lists (allowed `From` and destinations).
        public var accountNumbers: Set<String> = ["+15005550006"]
        /// Post `initiated`, `ringing`, `answered`, `completed` to `StatusCallback`.
        public var sendsStatusCallbacks = true
        /// Order of those callbacks (`SequenceNumber` always says the true order).
        public var callbackOrder: CallbackOrder = .inOrder
        /// Where to listen; port 0 picks a free one.
        public var host = "127.0.0.1"
        public var port = 0
        /// Called with each created call: a later issue plugs the simulated callee in here.
        public var dialer: (@Sendable (SimulatedCall) async -> Void)?

        public init() {}
    }

    /// In which order status callbacks are posted.
    public enum CallbackOrder: Sendable, Equatable {
        case inOrder
        /// A seeded permutation, to exercise out-of-order handling.
        case shuffled(seed: UInt64)
    }

    public let configuration: Configuration
    let state = TwilioSimulatorState()
    let logger: Logger
    let callbacks: AsyncStream<CallbackJob>.Continuation
    private let callbackJobs: AsyncStream<CallbackJob>
    private let runtime = Mutex<Runtime?>(nil)

    private struct Runtime: Sendable {
        var port: Int
        var group: ServiceGroup
        var server: Task<Void, any Error>
        var worker: Task<Void, Never>
        var http: HTTPClient
    }

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "twilio-simulator")) {
        self.configuration = configuration
        self.logger = logger
        // Bounded: a flood of calls drops the oldest pending callbacks rather than growing memory.
        (callbackJobs, callbacks) = AsyncStream.makeStream(of: CallbackJob.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// `http://127.0.0.1:PORT` once started.
    public var baseURL: String { "http://\(configuration.host):\(port)" }

    /// The bound port (0 before `start`).
    public var port: Int { runtime.withLock { $0?.port ?? 0 } }

    /// Starts listening; returns once the port is bound.
    public func start() async throws {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router)
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "twilio-simulator"),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task { try await group.run() }
        var it = ready.stream.makeAsyncIterator()
        guard let port = await it.next(), port > 0 else {
            server.cancel()
            throw SimulatorError.couldNotListen(configuration.host, configuration.port)
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let worker = Task { [callbackJobs, logger] in
            for await job in callbackJobs {
                await job.send(with: http, logger: logger)
            }
        }
        runtime.withLock { $0 = Runtime(port: port, group: group, server: server, worker: worker, http: http) }
        logger.info("simulated Twilio API listening on \(baseURL)")
    }

    /// Stops the server and the callback sender.
    public func stop() async {
        guard let r = runtime.withLock({ rt -> Runtime? in defer { rt = nil }; return rt }) else { return }
        callbacks.finish()
        r.worker.cancel()
        await r.group.triggerGracefulShutdown()
        _ = try? await r.server.value
        _ = await r.worker.value
        try? await r.http.shutdown()
    }

    /// Makes the next `times` matching requests misbehave (to one destination if `to` is set).
    public func inject(_ fault: SimulatedFault, on endpoint: SimulatedFault.Endpoint = .any, times: Int = 1, to: String? = nil) async {
        await state.add(fault, endpoint: endpoint, times: times, to: to)
    }

    /// Removes every pending fault.
    public func clearFaults() async { await state.clearFaults() }

    /// The calls created so far.
    public func calls() async -> [SimulatedCall] { await state.calls }

    /// Every request received so far.
    public func requests() async -> [RecordedRequest] { await state.requests }
}

/// Why the simulator could not run.
public enum SimulatorError: Error, CustomStringConvertible {
    case couldNotListen(String, Int)

    public var description: String {
        switch self {
        case .couldNotListen(let host, let port): "could not listen on \(host):\(port)"
        }
    }
}
