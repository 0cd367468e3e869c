import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Realtime
import Storage
import Twilio

extension GatewayServer {
    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/") { _, _ in
            JSONResponse.make(["message": "Twilio Outbound Call Server is running!"])
        }
        router.post("/outbound-call") { request, context -> Response in
            do {
                try await checkAPIRequest(request, context)
                let body = try await Self.collect(request)
                let call = try await outboundCalls.place(try OutboundCallRequest.parse(body))
                return JSONResponse.make(["success": true, "call_sid": call.callSID, "call_id": call.callID,
                                          "to_number": call.toNumber.rawValue, "message": "Call initiated successfully"])
            } catch let error as OutboundCallError {
                return JSONResponse.failure(error)
            }
        }
        router.get("/metrics") { request, context -> Response in
            do {
                try await checkAPIRequest(request, context)
            } catch let error as OutboundCallError {
                return JSONResponse.failure(error)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        addCampaignRoutes(to: router)
        addStatusPageRoute(to: router)
        router.get("/calls") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                return try JSONResponse.encoded(["calls": try await recorder.store.calls(try Self.callQuery(request.uri.queryParameters))])
            }
        }
        router.get("/calls/:id") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                let id = context.parameters.get("id") ?? ""
                guard let call = try await recorder.store.call(id: id) else {
                    return JSONResponse.make(["success": false, "error": "no call \(id.prefix(40))"], status: .notFound)
                }
                return try JSONResponse.encoded(call)
            }
        }
        router.get("/incoming-call") { request, _ in
            guard isSignedByTwilio(request, path: "/incoming-call", form: []) else { return forbidden("/incoming-call") }
            return await incomingCallTwiML()
        }
        router.post("/incoming-call") { request, _ in
            let form = FormEncoding.decode(Substring(decoding: (try? await Self.collect(request)) ?? [], as: UTF8.self))
            guard isSignedByTwilio(request, path: "/incoming-call", form: form) else { return forbidden("/incoming-call") }
            return await incomingCallTwiML()
        }
        router.post("/call-status") { request, _ -> Response in
            let form = FormEncoding.decode(Substring(decoding: (try? await Self.collect(request)) ?? [], as: UTF8.self))
            guard isSignedByTwilio(request, path: "/call-status", form: form) else { return forbidden("/call-status") }
            var fields: [String: String] = [:]
            for (k, v) in form { fields[k] = v }
            guard let sid = fields["CallSid"], !sid.isEmpty, let status = fields["CallStatus"], !status.isEmpty else {
                return JSONResponse.make(["success": false, "error": "CallSid and CallStatus are required"], status: .badRequest)
            }
            // Stored first: whoever waits on the status store then finds the record up to date.
            await recorder.status(form: fields, callID: request.uri.queryParameters.get("call_id"))
            await callStatuses.record(form: fields)
            let callID = await admission.callID(forSID: sid)
            await admission.status(status, callSID: sid)
            logger.info("call status", metadata: ["call_id": "\(callID ?? "-")", "call_sid": "\(sid)",
                                                  "status": "\(status)", "seq": "\(fields["SequenceNumber"] ?? "-")"])
            return Response(status: .noContent)
        }
        var realtime = RealtimeClient.Configuration(url: configuration.openAIRealtimeURL, model: configuration.openAIRealtimeModel, apiKey: configuration.openAIAPIKey)
        realtime.connectTimeout = .seconds(configuration.realtimeConnectTimeoutSeconds)
        let streams = MediaStreamHandler(tokens: tokens, ledger: ledger, settings: CallBridge.Settings(configuration: configuration), realtime: realtime,
                                         registry: calls, admission: admission, metrics: metrics, recorder: recorder, twilio: twilio,
                                         webhook: webhook, logger: logger)
        router.ws("/media-stream", shouldUpgrade: { request, _ in
            // Twilio signs the upgrade over the <Stream> URL alone; refuse before any socket is kept.
            guard isSignedByTwilio(request, path: "/media-stream", form: []) else {
                throw HTTPError(.forbidden, message: "X-Twilio-Signature is missing or does not match")
            }
            return .upgrade([:])
        }) { inbound, outbound, _ in
            await streams.run(inbound: inbound, outbound: outbound)
        }
    }

    /// The token of an `Authorization: Bearer …` header ("" when there is none).
    static func bearerToken(_ request: Request) -> String {
        let header = request.headers[.authorization] ?? ""
        return header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
    }

    /// The per-client rate limit, then the API token (when one is configured) against `presented`
    /// (by default the request's bearer token).
    func checkAPIRequest(_ request: Request, _ context: GatewayRequestContext, presented: String? = nil) async throws(OutboundCallError) {
        let client = clientKey(request, context)
        if let wait = await admission.admitRequest(from: client) {
            metrics.refused("api_rate_limited")
            logger.notice("API request rate-limited", metadata: ["client": "\(client)", "path": "\(request.uri.path)"])
            throw .rateLimited("more than \(configuration.limits.apiRequestsPerMinute) requests a minute from this client (API_REQUESTS_PER_MINUTE)", retryAfterSeconds: wait)
        }
        guard let expected = configuration.apiAuthToken else { return }
        guard ConstantTime.equal(expected, presented ?? Self.bearerToken(request)) else {
            metrics.refused("unauthorized")
            logger.notice("API request without a valid token", metadata: ["client": "\(client)", "path": "\(request.uri.path)"])
            throw .unauthorized
        }
    }

    /// Who the per-client limit counts against: the peer address, or — when the gateway is told to
    /// trust its proxy — the last `X-Forwarded-For` entry, the one that proxy added (entries before it
    /// come from the client and could be anything).
    func clientKey(_ request: Request, _ context: GatewayRequestContext) -> String {
        if configuration.limits.trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Whether Twilio signed this request: over the configured public URL of `path` (never the proxy's
    /// Host header) with the request's query string as received, plus the form of a POST.
    func isSignedByTwilio(_ request: Request, path: String, form: [(String, String)]) -> Bool {
        let base = path == "/media-stream" ? configuration.mediaStreamURL : configuration.publicURL(path: path)
        let url = base + (request.uri.query.map { "?" + $0 } ?? "")
        let signature = request.headers[HTTPField.Name(TwilioSignature.header)!]
        return signatures.isValid(signature, url: url, parameters: form)
    }

    func forbidden(_ path: String) -> Response {
        metrics.refused("bad_twilio_signature")
        logger.warning("refused a request to \(path) without a valid X-Twilio-Signature (check PUBLIC_BASE_URL matches the URL Twilio calls)")
        return JSONResponse.make(["success": false, "error": "X-Twilio-Signature is missing or does not match"], status: .forbidden)
    }

    /// TwiML that connects an inbound call to the same media stream, with a fresh signed token; a busy
    /// reject when the gateway is full or shutting down.
    func incomingCallTwiML() async -> Response {
        guard await admission.admitsInbound() else {
            metrics.refused("inbound_over_capacity")
            logger.notice("incoming call rejected as busy: at MAX_CONCURRENT_CALLS or shutting down")
            return JSONResponse.twiml(TwiML.rejectBusy())
        }
        let claims = StreamToken.Claims(callID: OutboundCallService.newCallID(), expiresAt: Int(Date().timeIntervalSince1970) + configuration.streamTokenTTLSeconds)
        logger.info("incoming call", metadata: ["call_id": "\(claims.callID)"])
        return JSONResponse.twiml(TwiML.connectStream(url: configuration.mediaStreamURL, parameters: tokens.parameters(for: claims)))
    }

    /// `?status=&user_id=&since=&limit=` of `GET /calls`; `since` is ISO 8601 or seconds since 1970.
    static func callQuery(_ parameters: Parameters) throws(OutboundCallError) -> CallQuery {
        var since: Date?
        if let text = parameters.get("since") {
            if let seconds = Double(text) {
                since = Date(timeIntervalSince1970: seconds)
            } else if let date = ISO8601DateFormatter().date(from: text) {
                since = date
            } else {
                throw .badRequest("since must be ISO 8601 (2026-11-23T09:00:00Z) or seconds since 1970, not '\(text.prefix(40))'")
            }
        }
        var limit = 100
        if let text = parameters.get("limit") {
            guard let n = Int(text), (1...1000).contains(n) else { throw .badRequest("limit must be a whole number from 1 to 1000") }
            limit = n
        }
        return CallQuery(status: parameters.get("status"), userID: parameters.get("user_id"), since: since, limit: limit)
    }

    static func collect(_ request: Request, upTo limit: Int = maxBodyBytes) async throws(OutboundCallError) -> [UInt8] {
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw .bodyTooLarge(limit: limit)
        }
    }
}
