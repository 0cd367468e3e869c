import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Realtime
import Storage
import Twilio

/// The gateway's HTTP and WebSocket endpoints (design §6) on Hummingbird 2:
/// `GET /`, `POST /outbound-call`, `GET|POST /incoming-call`, `POST /call-status`,
/// `WS /media-stream` and `GET /metrics`, with the checks of issue 6: the API token, Twilio's
/// signatures, single-use stream tokens, the abuse limits, and draining on shutdown.
public struct GatewayServer: Sendable {
    public let configuration: GatewayConfiguration
    /// Places calls for `POST /outbound-call` and `anpi-call call`.
    public let outboundCalls: OutboundCallService
    /// Status callbacks received.
    public let callStatuses: CallStatusStore
    /// Every call's report, live and ended.
    public let calls: CallRegistry
    /// The limits and the count of calls in progress.
    public let admission: CallAdmission
    /// What `GET /metrics` shows.
    public let metrics: GatewayMetrics
    /// Files every call in the call-record store (`GET /calls`).
    public let recorder: CallRecorder
    /// Dials the running campaigns (``CampaignRunner/run()`` runs beside the server).
    public let campaigns: CampaignRunner
    let tokens: StreamToken
    let ledger: any StreamTokenLedger
    let signatures: TwilioSignature
    let twilio: TwilioRESTClient
    let webhook: ResultWebhook?
    let logger: Logger

    /// Largest JSON or form body accepted.
    static let maxBodyBytes = 64 * 1024
    /// Seconds a keep-alive connection may stay silent between requests.
    static let idleConnectionSeconds = 60
    /// Largest media-stream message accepted (a 20 ms frame is about 300 bytes).
    static let maxStreamMessageBytes = 64 * 1024

    /// A server using `httpClient` for Twilio's REST API; call records, campaigns and used stream
    /// tokens go to `store` (default: PostgreSQL at `DATABASE_URL`, else SQLite in `DATA_DIR`); `ledger`
    /// replaces the store's record of used stream tokens.
    public init(configuration: GatewayConfiguration, httpClient: HTTPClient, logger: Logger,
                metrics: GatewayMetrics = GatewayMetrics(), ledger: (any StreamTokenLedger)? = nil,
                store: (any GatewayStore)? = nil) {
        self.configuration = configuration
        var rest = TwilioRESTClient.Configuration(baseURL: configuration.twilioAPIBaseURL, accountSID: configuration.twilioAccountSID, authToken: configuration.twilioAuthToken)
        rest.requestTimeout = .milliseconds(Int64(configuration.twilioTimeoutSeconds * 1000))
        let twilio = TwilioRESTClient(configuration: rest, httpClient: httpClient)
        self.twilio = twilio
        self.metrics = metrics
        let store = store ?? Self.store(configuration, logger: logger)
        recorder = CallRecorder(store: store, audioMode: configuration.audioFormat.rawValue, metrics: metrics, logger: logger)
        // A call that has not streamed after Twilio's ring time and a minute more is not coming.
        admission = CallAdmission(limits: configuration.limits, ringDeadlineSeconds: configuration.callTimeoutSeconds + 60)
        outboundCalls = OutboundCallService(configuration: configuration, twilio: twilio, admission: admission, metrics: metrics,
                                            recorder: recorder, logger: logger, now: { Int(Date().timeIntervalSince1970) })
        campaigns = CampaignRunner(store: recorder.store, outbound: outboundCalls, admission: admission, configuration: configuration, logger: logger)
        callStatuses = CallStatusStore()
        calls = CallRegistry()
        webhook = configuration.resultWebhookURL.map { ResultWebhook(url: $0, httpClient: httpClient) }
        tokens = StreamToken(secret: configuration.streamTokenSecret)
        signatures = TwilioSignature(authToken: configuration.twilioAuthToken)
        self.ledger = ledger ?? StoredStreamTokenLedger(store: store, metrics: metrics, logger: logger)
        self.logger = logger
    }

    /// The store the configuration names: PostgreSQL when `DATABASE_URL` is set, else SQLite under `DATA_DIR`.
    static func store(_ configuration: GatewayConfiguration, logger: Logger) -> SQLStore {
        if let settings = configuration.database {
            return SQLStore(database: PostgresDatabase(settings: settings, logger: logger), logger: logger)
        }
        return SQLStore.sqlite(inDirectory: configuration.dataDirectory, logger: logger)
    }

    /// The Hummingbird application; `onRunning` receives the bound port.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: GatewayRequestContext.self)
        addRoutes(to: router)
        var webSocket = WebSocketServerConfiguration(maxFrameSize: Self.maxStreamMessageBytes)
        // Invalid UTF-8 in a text frame closes the socket (1007) instead of reaching the parser.
        webSocket.validateUTF8 = true
        var http = HTTP1Channel.Configuration()
        // A keep-alive connection that says nothing for this long is closed.
        http.idleTimeout = .seconds(Int64(Self.idleConnectionSeconds))
        return Application(
            router: router,
            server: SlowClientGuard<HTTP1WebSocketUpgradeChannel>.server(webSocketRouter: router, configuration: .init(http1: http, ws: webSocket),
                                           headerDeadline: .seconds(Int64(configuration.requestHeaderTimeoutSeconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anpi-call"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// Opens (and migrates) the call store, so that a bad `DATA_DIR` stops start-up rather than the first call.
    public func prepare() async throws(StoreError) {
        if let folder = configuration.recordingsDirectory {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError("cannot create RECORDINGS_DIR \(folder): \(error.localizedDescription)")
            }
        }
        try await recorder.store.prepare()
    }

    /// Closes the call store (after the server has stopped).
    public func close() async {
        await recorder.store.close()
    }

    /// On shutdown: stop taking calls, let those in progress finish for up to `DRAIN_TIMEOUT_SECONDS`,
    /// then end the rest with ``GatewayConfiguration/shutdownMessage`` and wait for their streams to close.
    public func drain() async {
        await admission.startDraining()
        let active = await calls.openStreams
        logger.notice("draining: no new calls; \(active) call(s) in progress, waiting up to \(configuration.drainTimeoutSeconds) s")
        if await calls.waitUntilIdle(timeout: .seconds(configuration.drainTimeoutSeconds)) {
            logger.notice("drained: every call has ended")
            return
        }
        let ended = await calls.endAll(.shutdown)
        logger.notice("drain timeout: ended \(ended) call(s) with the shutdown message")
        // Their sockets close right after; do not hang the shutdown on a peer that never answers.
        _ = await calls.waitUntilIdle(timeout: .seconds(10))
    }
}
