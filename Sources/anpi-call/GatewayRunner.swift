import ArgumentParser
import AsyncHTTPClient
import Foundation
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Twilio
import UnixSignals

/// Starts the gateway for `serve`, `call`, `--server-only` and `--call=`.
enum GatewayRunner {
    static let environmentHelp = """
        Configuration comes from the environment and a .env file in the working directory
        (the environment wins). Required: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
        PHONE_NUMBER_FROM, OPENAI_API_KEY, and DOMAIN or PUBLIC_BASE_URL. Optional: PORT (8080),
        HOST (0.0.0.0), TWILIO_API_BASE_URL, OPENAI_REALTIME_URL, OPENAI_REALTIME_MODEL,
        REALTIME_AUDIO_FORMAT (pcmu|pcma|pcm24k), LOG_LEVEL (info), API_AUTH_TOKEN (required
        unless HOST is loopback or --insecure-no-auth is given), ALLOWED_DESTINATIONS (+81),
        MAX_CONCURRENT_CALLS, CALLS_PER_MINUTE, CALLS_PER_MINUTE_PER_DESTINATION,
        API_REQUESTS_PER_MINUTE, DRAIN_TIMEOUT_SECONDS (30) — see the README.
        On SIGTERM or SIGINT the gateway stops taking calls, lets calls in progress finish for up to
        DRAIN_TIMEOUT_SECONDS, ends the rest with a short spoken message, and exits 0.
        """

    /// Runs until SIGINT/SIGTERM (then drains); with a request, places that call once the server listens.
    static func run(placing request: OutboundCallRequest?, insecureNoAuth: Bool) async throws {
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load()
        } catch {
            StandardError.error(error.message)
            throw ExitCode(2)
        }
        if configuration.apiAuthToken == nil, !isLoopback(configuration.host), !insecureNoAuth {
            StandardError.error("""
                refusing to serve on \(configuration.host) without API_AUTH_TOKEN: anyone who can reach this port could place \
                calls at your expense. Set API_AUTH_TOKEN (e.g. `openssl rand -hex 32`), set HOST=127.0.0.1, or pass --insecure-no-auth
                """)
            throw ExitCode(2)
        }
        let logger = makeLogger(level: configuration.logLevel)
        logger.info("starting: \(configuration)")
        if configuration.apiAuthToken == nil {
            logger.warning("API_AUTH_TOKEN is not set: POST /outbound-call and GET /metrics are open to anyone who can reach \(configuration.host):\(configuration.port)")
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let server = GatewayServer(configuration: configuration, httpClient: httpClient, logger: logger)
        // Open (and migrate) the call store now: a bad DATA_DIR stops start-up, not the first call.
        do {
            try await server.prepare()
        } catch {
            StandardError.error("\(error)")
            await server.close()
            try? await httpClient.shutdown()
            throw ExitCode(2)
        }
        defer { Task { await server.close() } }
        let placed = PlacedCallOutcome()
        let app = server.makeApplication { port in
            logger.info("listening on \(configuration.host):\(port)")
            guard let request else { return }
            do {
                let call = try await server.outboundCalls.place(request)
                print(#"{"success": true, "call_sid": "\#(call.callSID)", "call_id": "\#(call.callID)", "to_number": "\#(call.toNumber)", "message": "Call initiated successfully"}"#)
            } catch {
                StandardError.error("\(error)")
                await placed.fail()
            }
        }
        // Shut down in reverse order: the drain first (calls end while the server still serves their
        // callbacks and streams), then the server.
        let group = ServiceGroup(configuration: .init(services: [app, CampaignDialler(server: server), GatewayDrain(server: server)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let watcher = Task {
            // A call that could not be placed ends the process with status 1.
            if await placed.waitForFailure() { await group.triggerGracefulShutdown() }
        }
        defer { watcher.cancel() }
        do {
            try await group.run()
            await placed.finish()
        } catch {
            await placed.finish()
            try? await httpClient.shutdown()
            StandardError.error("the gateway stopped: \(error)")
            throw ExitCode(1)
        }
        try? await httpClient.shutdown()
        if await placed.failed { throw ExitCode(1) }
    }

    /// Whether `host` only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    static func makeLogger(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "anpi-call")
    }
}

/// Whether the call `anpi-call call` asked for failed.
actor PlacedCallOutcome {
    private(set) var failed = false
    private var waiters: [CheckedContinuation<Bool, Never>] = []

    func fail() {
        failed = true
        for w in waiters { w.resume(returning: true) }
        waiters.removeAll()
    }

    /// The gateway stopped: release anyone still waiting.
    func finish() {
        for w in waiters { w.resume(returning: false) }
        waiters.removeAll()
    }

    func waitForFailure() async -> Bool {
        if failed { return true }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Waits for the shutdown signal, then drains the gateway's calls (``GatewayServer/drain()``).
struct GatewayDrain: Service {
    let server: GatewayServer

    func run() async throws {
        // Returns when a graceful shutdown begins (SIGTERM/SIGINT, or a failed `call`).
        try? await gracefulShutdown()
        await server.drain()
    }
}

/// Runs the campaign dialler until shutdown (the drain stops its claims first).
struct CampaignDialler: Service {
    let server: GatewayServer

    func run() async throws {
        await cancelWhenGracefulShutdown { await server.campaigns.run() }
    }
}
