import AsyncHTTPClient
import Foundation
import Logging

/// A faithful local stand-in for Twilio's Voice REST API (2010-04-01), on Hummingbird 2.
///
/// It answers `Calls.json` create / fetch / update, `OutgoingCallerIds.json` and
/// `IncomingPhoneNumbers.json` with Twilio's JSON (snake_case, 201 on create, both error shapes),
/// checks Basic auth, records every request, injects faults on demand, walks each call through
/// `queued → ringing → in-progress → completed`, and POSTs status callbacks (in order or shuffled).
/// `GET /sim/calls` and `GET /sim/requests` show the same records as ``calls()`` and ``requests()``.
///
/// ```swift
/// let twilio = TwilioAPISimulator(configuration: .init())
/// try await twilio.start()
/// // point a client at await twilio.baseURL …
/// await twilio.stop()
/// ```
/// Every piece of mutable state lives in this actor. Call ``stop()`` when done: it ends the server,
/// the calls' background work and the callback client.
public actor TwilioAPISimulator {
    /// Called when a call is answered, with the call as it then stands; a simulated callee connects
    /// to ``SimulatedCall/streamURL`` here. Returning means the callee hung up. The task is cancelled
    /// when the call ends otherwise (hung up through the API, TwiML replaced by one without a stream).
    public typealias Dialer = @Sendable (SimulatedCall) async -> Void

    /// The settings it was made with.
    public let configuration: Configuration
    let logger: Logger
    let dialer: Dialer?
    let observer: (@Sendable (SimulatedCallEvent) -> Void)?
    let startDate = Date()

    var records: [String: CallRecord] = [:]
    var callOrder: [String] = []
    var requestLog: [SimulatedRequest] = []
    var faults: [FaultTarget: [PendingFault]] = [:]
    /// What is left of ``Configuration/unanswered``.
    lazy var unansweredLeft = configuration.unanswered

    private var server: LoopbackServer?
    private var starting = false
    var stopping = OneShotSignal()
    var callbackClient: HTTPClient?
    private var callQueue: AsyncStream<String>.Continuation?
    private var background: Task<Void, Never>?

    /// A simulator that is not yet listening.
    /// - Parameters:
    ///   - dialer: runs the callee side of each answered call; nil lets calls last ``Configuration/callDuration``.
    ///   - logger: where to log; by default warnings and errors only.
    ///   - observer: told of each call created, redirected and ended (called on the simulator; keep it quick).
    public init(configuration: Configuration = .init(), logger: Logger? = nil, dialer: Dialer? = nil, observer: (@Sendable (SimulatedCallEvent) -> Void)? = nil) {
        self.configuration = configuration
        self.logger = logger ?? .quiet("twilio-simulator")
        self.dialer = dialer
        self.observer = observer
    }

    /// The port it listens on, once started.
    public var port: Int? { server?.port }

    /// `http://127.0.0.1:PORT`: what `TWILIO_API_BASE_URL` should be. Empty before ``start()``.
    public var baseURL: String {
        server.map { LoopbackServer.baseURL(host: configuration.host, port: $0.port) } ?? ""
    }

    /// Starts listening and returns the base URL once the server accepts connections.
    /// - Throws: ``SimulatorError/alreadyRunning``, ``SimulatorError/couldNotListen(address:reason:)``.
    @discardableResult
    public func start() async throws -> String {
        guard server == nil, !starting else { throw SimulatorError.alreadyRunning }
        starting = true
        defer { starting = false }
        stopping = OneShotSignal()
        let started = try await LoopbackServer.start(router: makeRouter(), host: configuration.host, port: configuration.port, serverName: "twilio-simulator", logger: logger)
        server = started
        callbackClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let (queue, continuation) = AsyncStream<String>.makeStream()
        callQueue = continuation
        background = Task { await Self.runCalls(queue, on: self) }
        logger.info("Twilio API simulator listening", metadata: ["url": "\(baseURL)"])
        return baseURL
    }

    /// Stops the server (releasing any injected delay), cancels every call's background work and
    /// status callbacks, and shuts the callback client down. Safe to call twice.
    public func stop() async {
        guard let running = server else { return }
        server = nil
        await stopping.fire()
        await running.stop()
        callQueue?.finish()
        callQueue = nil
        background?.cancel()
        await background?.value
        background = nil
        try? await callbackClient?.shutdown()
        callbackClient = nil
    }

    /// Every call created, oldest first.
    public func calls() -> [SimulatedCall] {
        callOrder.compactMap { records[$0]?.call }
    }

    /// The call with `sid`, if it exists.
    public func call(_ sid: String) -> SimulatedCall? {
        records[sid]?.call
    }

    /// Every request received, oldest first (faulted and refused ones included).
    public func requests() -> [SimulatedRequest] {
        requestLog
    }

    /// The requests received for `endpoint`, oldest first: e.g. to count a client's retries.
    public func requests(to endpoint: TwilioEndpoint) -> [SimulatedRequest] {
        requestLog.filter { $0.endpoint == endpoint }
    }

    /// Ends a live call from the callee's side (e.g. `.completed`, `.busy`, `.noAnswer`, `.failed`).
    /// Does nothing to a call that is already over.
    public func endCall(_ sid: String, as status: SimulatedCall.Status = .completed) async {
        await end(sid, as: status)
    }

    /// Runs each created call's progress as a child of one task, so that ``stop()`` cancels them all.
    private static func runCalls(_ queue: AsyncStream<String>, on simulator: TwilioAPISimulator) async {
        await withDiscardingTaskGroup { group in
            for await sid in queue {
                group.addTask { await simulator.runCall(sid) }
            }
        }
    }

    /// Hands a new call to the background task.
    func schedule(_ sid: String) {
        callQueue?.yield(sid)
    }

    /// Ends the call, wakes its progress task and tells the observer.
    func end(_ sid: String, as status: SimulatedCall.Status) async {
        guard var record = records[sid], record.end(status) else { return }
        records[sid] = record
        observer?(.ended(record.call))
        await record.ended.fire()
    }

    /// Waits `duration`, or less if the simulator stops meanwhile.
    func pause(_ duration: Duration) async {
        guard duration > .zero else { return }
        _ = await OneShotSignal.sleep(for: duration, unless: stopping)
    }
}
