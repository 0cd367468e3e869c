import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// A Hummingbird application running in its own service group inside a task, started and
/// stopped from async code; learns the bound port from `onServerRunning` (so port 0 works).
struct LoopbackServer: Sendable {
    /// The port the server listens on.
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `router` on `host:port` and returns once the server listens.
    static func start(router: Router<BasicRequestContext>, host: String, port: Int, serverName: String, logger: Logger) async throws -> LoopbackServer {
        try await start(host: host, port: port, logger: logger) { onRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
                logger: logger
            )
        }
    }

    /// Starts `router` with WebSocket upgrades on `host:port` and returns once the server listens.
    static func start(webSocketRouter router: Router<BasicWebSocketRequestContext>, host: String, port: Int, serverName: String, maxFrameSize: Int, logger: Logger) async throws -> LoopbackServer {
        try await start(host: host, port: port, logger: logger) { onRunning in
            Application(
                router: router,
                server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(maxFrameSize: maxFrameSize)),
                configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
                logger: logger
            )
        }
    }

    /// Runs the application `make` builds (given the callback that reports the bound port).
    private static func start<App: ApplicationProtocol>(host: String, port: Int, logger: Logger, make: (@escaping @Sendable (Int) -> Void) -> App) async throws -> LoopbackServer {
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let app = make { readyContinuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { readyContinuation.finish() }
            try await group.run()
        }
        for await bound in ready {
            return LoopbackServer(port: bound, group: group, task: task)
        }
        // No port: either we were cancelled, or the group stopped (typically a bind error).
        if Task.isCancelled {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw CancellationError()
        }
        do {
            try await task.value
        } catch {
            throw SimulatorError.couldNotListen(address: "\(host):\(port)", reason: "\(error)")
        }
        throw SimulatorError.couldNotListen(address: "\(host):\(port)", reason: "the server stopped before listening")
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server task to end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// `http://host:port`, with IPv6 hosts bracketed.
    static func baseURL(host: String, port: Int) -> String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}
