import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Realtime
import Twilio

/// The gateway's HTTP and WebSocket endpoints (design §6) on Hummingbird 2:
/// `GET /`, `POST /outbound-call`, `GET|POST /incoming-call`, `POST /call-status`
/// and `WS /media-stream`.
public struct GatewayServer: Sendable {
    public let configuration: GatewayConfiguration
    /// Places calls for `POST /outbound-call` and `anpi-call call`.
    public let outboundCalls: OutboundCallService
    /// Status callbacks received.
    public let callStatuses: CallStatusStore
    /// Every call's report, live and ended.
    public let calls: CallRegistry
    let tokens: StreamToken
    let twilio: TwilioRESTClient
    let webhook: ResultWebhook?
    let logger: Logger

    /// Largest JSON or form body accepted.
    static let maxBodyBytes = 64 * 1024
    /// Largest media-stream message accepted (a 20 ms frame is about 300 bytes).
    static let maxStreamMessageBytes = 64 * 1024

    /// A server using `httpClient` for Twilio's REST API.
    public init(configuration: GatewayConfiguration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        var rest = TwilioRESTClient.Configuration(baseURL: configuration.twilioAPIBaseURL, accountSID: configuration.twilioAccountSID, authToken: configuration.twilioAuthToken)
        rest.requestTimeout = .milliseconds(Int64(configuration.twilioTimeoutSeconds * 1000))
        let twilio = TwilioRESTClient(configuration: rest, httpClient: httpClient)
        self.twilio = twilio
        outboundCalls = OutboundCallService(configuration: configuration, twilio: twilio, logger: logger, now: { Int(Date().timeIntervalSince1970) })
        callStatuses = CallStatusStore()
        calls = CallRegistry()
        webhook = configuration.resultWebhookURL.map { ResultWebhook(url: $0, httpClient: httpClient) }
        tokens = StreamToken(secret: configuration.streamTokenSecret)
        self.logger = logger
    }

    /// The Hummingbird application; `onRunning` receives the bound port.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        addRoutes(to: router)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(maxFrameSize: Self.maxStreamMessageBytes)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anpi-call"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    func addRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/") { _, _ in
            JSONResponse.make(["message": "Twilio Outbound Call Server is running!"])
        }
        router.post("/outbound-call") { request, _ -> Response in
            do {
                let body = try await Self.collect(request)
                let call = try await outboundCalls.place(try OutboundCallRequest.parse(body))
                return JSONResponse.make(["success": true, "call_sid": call.callSID, "call_id": call.callID,
                                          "to_number": call.toNumber.rawValue, "message": "Call initiated successfully"])
            } catch let error as OutboundCallError {
                return JSONResponse.failure(error)
            }
        }
        router.get("/incoming-call") { _, _ in incomingCallTwiML() }
        router.post("/incoming-call") { _, _ in incomingCallTwiML() }
        router.post("/call-status") { request, _ -> Response in
            let body = (try? await Self.collect(request)) ?? []
            let form = FormEncoding.decodeDictionary(Substring(decoding: body, as: UTF8.self))
            guard await callStatuses.record(form: form) else {
                return JSONResponse.make(["success": false, "error": "CallSid and CallStatus are required"], status: .badRequest)
            }
            logger.info("call status", metadata: ["call_sid": "\(form["CallSid"] ?? "")", "status": "\(form["CallStatus"] ?? "")", "seq": "\(form["SequenceNumber"] ?? "-")"])
            return Response(status: .noContent)
        }
        var realtime = RealtimeClient.Configuration(url: configuration.openAIRealtimeURL, model: configuration.openAIRealtimeModel, apiKey: configuration.openAIAPIKey)
        realtime.connectTimeout = .seconds(configuration.realtimeConnectTimeoutSeconds)
        let streams = MediaStreamHandler(tokens: tokens, settings: CallBridge.Settings(configuration: configuration), realtime: realtime,
                                         registry: calls, twilio: twilio, webhook: webhook, logger: logger)
        router.ws("/media-stream") { inbound, outbound, context in
            await streams.run(inbound: inbound, outbound: outbound)
        }
    }

    /// TwiML that connects an inbound call to the same media stream, with a fresh signed token.
    func incomingCallTwiML() -> Response {
        let claims = StreamToken.Claims(callID: OutboundCallService.newCallID(), expiresAt: Int(Date().timeIntervalSince1970) + configuration.streamTokenTTLSeconds)
        logger.info("incoming call", metadata: ["call_id": "\(claims.callID)"])
        return JSONResponse.twiml(TwiML.connectStream(url: configuration.mediaStreamURL, parameters: tokens.parameters(for: claims)))
    }

    static func collect(_ request: Request) async throws(OutboundCallError) -> [UInt8] {
        do {
            var buffer = try await request.body.collect(upTo: maxBodyBytes)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw .badRequest("the body is larger than \(maxBodyBytes) bytes or could not be read")
        }
    }
}
