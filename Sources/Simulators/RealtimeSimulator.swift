import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// A local stand-in for the OpenAI Realtime API (GA) on `ws://host:port/v1/realtime`: it checks the
/// `Authorization: Bearer` header, refuses the beta interface, and runs each connection as a
/// ``SimulatedRealtimeSession`` following a ``RealtimeScript``, with optional ``RealtimeFault``s.
///
/// ```swift
/// let model = RealtimeSimulator(configuration: .init(script: .safetyConfirmation))
/// let url = try await model.start()   // OPENAI_REALTIME_URL
/// …
/// let sessions = await model.sessions()
/// await model.stop()
/// ```
public actor RealtimeSimulator {
    /// Settings fixed at creation.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port.
        public var port = 0
        public var script: RealtimeScript
        public var faults: [RealtimeFault] = []
        /// How much faster than real time response audio is streamed.
        public var speed = 4.0
        /// Deltas a response still sends after it is cancelled, as the real service's pipeline does; the
        /// gateway must drop them.
        public var deltasAfterCancel = 1
        /// Seeds the delta sizes; session n uses seed + n.
        public var seed: UInt64 = 1

        public init(script: RealtimeScript = .safetyConfirmation, faults: [RealtimeFault] = []) {
            self.script = script
            self.faults = faults
        }
    }

    public let configuration: Configuration
    let logger: Logger
    private var server: LoopbackServer?
    private var live: [SimulatedRealtimeSession] = []
    private var finished: [RealtimeSessionRecord] = []
    private var counter = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(configuration: Configuration = .init(), logger: Logger? = nil) {
        self.configuration = configuration
        self.logger = logger ?? .quiet("realtime-simulator")
    }

    /// `ws://host:port/v1/realtime`, what `OPENAI_REALTIME_URL` should be; empty before ``start()``.
    public var url: String {
        guard let server else { return "" }
        return "ws" + LoopbackServer.baseURL(host: configuration.host, port: server.port).dropFirst(4) + "/v1/realtime"
    }

    /// Starts listening; returns ``url``.
    @discardableResult
    public func start() async throws -> String {
        guard server == nil else { throw SimulatorError.alreadyRunning }
        let router = Router(context: BasicWebSocketRequestContext.self)
        let refuse = configuration.faults.contains(.refuseConnections)
        router.ws("/v1/realtime", shouldUpgrade: { request, _ in
            guard !refuse, let auth = request.headers[.authorization], auth.hasPrefix("Bearer "), auth.count > 7 else { return .dontUpgrade }
            return .upgrade([:])
        }) { [self] inbound, outbound, context in
            await self.serve(inbound: inbound, outbound: outbound, request: context.request)
        }
        server = try await LoopbackServer.start(webSocketRouter: router, host: configuration.host, port: configuration.port,
                                                serverName: "realtime-simulator", maxFrameSize: 16 << 20, logger: logger)
        return url
    }

    /// Stops the server; live sessions end.
    public func stop() async {
        await server?.stop()
        server = nil
    }

    /// Every session's record, oldest first (live ones as they stand).
    public func sessions() async -> [RealtimeSessionRecord] {
        var out = finished
        for s in live { out.append(await s.record) }
        return out.sorted { $0.id.localizedStandardCompare($1.id) == .orderedAscending }
    }

    /// Waits until `count` sessions have been opened (live or ended).
    public func waitForSessions(_ count: Int) async {
        while live.count + finished.count < count {
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Waits until `count` sessions have ended.
    public func waitForEndedSessions(_ count: Int) async {
        while finished.count < count {
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, request: Request) async {
        counter += 1
        let model = request.uri.queryParameters.get("model") ?? ""
        let settings = SimulatedRealtimeSession.Settings(script: configuration.script, faults: configuration.faults,
                                                         speed: configuration.speed, deltasAfterCancel: configuration.deltasAfterCancel,
                                                         seed: configuration.seed &+ UInt64(counter))
        let session = SimulatedRealtimeSession(id: "sess_sim\(counter)", model: model, authorization: request.headers[.authorization] ?? "", settings: settings)
        live.append(session)
        for w in waiters { w.resume() }
        waiters.removeAll()
        let beta = request.headers[HTTPField.Name("OpenAI-Beta")!] != nil
        await session.open(betaHeader: beta)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in session.outbox {
                    do { try await outbound.writeTextMessage(text) } catch { break }
                }
                let code = await session.closeCode
                try? await outbound.close(code == 1000 ? .normalClosure : .unknown(code), reason: nil)
            }
            group.addTask { await session.runFaults() }
            do {
                for try await message in inbound.messages(maxSize: 16 << 20) {
                    if case .text(let text) = message { await session.receive(text) }
                }
            } catch {}
            await session.clientClosed()
            group.cancelAll()
        }
        live.removeAll { $0 === session }
        finished.append(await session.record)
        for w in waiters { w.resume() }
        waiters.removeAll()
    }
}
