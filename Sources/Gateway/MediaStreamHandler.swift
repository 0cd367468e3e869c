import AsyncHTTPClient
import Foundation
import HummingbirdWebSocket
import Logging
import MediaCore
import NIOWebSocket
import Realtime
import Twilio

/// Serves one `/media-stream` WebSocket: parses Twilio's messages and checks them with a
/// `MediaStreamSession` (a violation closes the socket with a clear reason, before anything is spent
/// on the model); once `start` is authorised it creates the call's ``CallBridge`` and runs the call's
/// tasks — Twilio writer, Realtime connection, playout pacing, timers — as children of one task
/// group, so nothing outlives the call.
struct MediaStreamHandler: Sendable {
    let tokens: StreamToken
    let ledger: any StreamTokenLedger
    let settings: CallBridge.Settings
    let realtime: RealtimeClient.Configuration
    let registry: CallRegistry
    let admission: CallAdmission
    let metrics: GatewayMetrics
    let recorder: CallRecorder
    let twilio: TwilioRESTClient
    let webhook: ResultWebhook?
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        await registry.streamOpened()
        await serve(inbound: inbound, outbound: outbound)
        await registry.streamClosed()
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        var session = MediaStreamSession(tokens: tokens)
        var logger = self.logger
        var bridge: CallBridge?
        var flood = FloodGuard()
        let opened = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            var closeReason: String? = "the socket closed without stop"
            do {
                reading: for try await message in inbound.messages(maxSize: GatewayServer.maxStreamMessageBytes) {
                    guard flood.allow(nowMilliseconds: UInt64(opened.duration(to: .now) / .milliseconds(1))) else {
                        closeReason = FloodGuard.reason
                        metrics.refused("stream_flood")
                        try await close(outbound, .policyViolation, FloodGuard.reason, logger)
                        break
                    }
                    guard case .text(let text) = message else {
                        closeReason = "binary frames are not part of Twilio's protocol"
                        try await close(outbound, .unacceptableData, closeReason!, logger)
                        break
                    }
                    let outcome: MediaStreamSession.Outcome
                    do throws(TwilioStreamError) {
                        outcome = try session.handle(try TwilioStreamEvent.parse(text), now: Int(Date().timeIntervalSince1970))
                    } catch {
                        closeReason = error.description
                        if case .unauthorized = error { metrics.refused("bad_stream_token") }
                        try await close(outbound, error.closeCode, error.description, logger)
                        break
                    }
                    switch outcome {
                    case .started(let claims, let start):
                        logger[metadataKey: "call_id"] = "\(claims.callID)"
                        // Single use: a replayed start is refused before anything is spent on the model.
                        guard await ledger.claim(callID: claims.callID, expiresAt: claims.expiresAt, now: Int(Date().timeIntervalSince1970)) else {
                            closeReason = "stream token: already used"
                            metrics.refused("replayed_stream_token")
                            try await close(outbound, .policyViolation, closeReason!, logger)
                            break reading
                        }
                        logger.info("media stream started", metadata: ["call_sid": "\(start.callSid)", "stream_sid": "\(start.streamSid)"])
                        let created = try CallBridge(settings: settings, claims: claims, start: start, registry: registry, twilio: twilio,
                                                     metrics: metrics, logger: logger)
                        bridge = created
                        await admission.streamStarted(callID: claims.callID)
                        metrics.streamStarted()
                        await created.begin()
                        startTasks(of: created, in: &group, outbound: outbound, logger: logger)
                        await recorder.streamStarted(claims, callSID: start.callSid)
                    case .stopped:
                        closeReason = nil
                        await bridge?.twilio(.stopped)
                    default:
                        await bridge?.twilio(outcome)
                    }
                    if session.state == .stopped { break }
                }
            } catch {
                closeReason = "\(error)"
                // The WebSocket layer refused a message (invalid UTF-8, a message over the limit in
                // fragments, a bad opcode) and says which close code it deserves: send that code.
                if let code = Self.closeCode(in: error) {
                    let reason = code == .dataInconsistentWithMessage ? "a text frame is not valid UTF-8" : "message refused by the WebSocket layer"
                    closeReason = reason
                    try? await close(outbound, code, reason, logger)
                }
            }
            if let bridge {
                await bridge.twilioClosed(reason: closeReason)
            } else {
                logger.notice("media stream ended before start: \(closeReason ?? "stop")")
            }
            // The call is over and its streams are finished: close Twilio's socket now; the other tasks
            // end by themselves — the model socket is closed with a close frame once its outbox is sent,
            // pacing on the finished doorbell, timers within a second; a model handshake in progress
            // ends within REALTIME_CONNECT_TIMEOUT_SECONDS (or a DNS look-up's own timeout).
            try? await outbound.close(.normalClosure, reason: nil)
            await group.waitForAll()
        }
        if let bridge {
            await admission.streamEnded(callID: bridge.claims.callID)
            metrics.streamEnded()
            await recorder.ended(await bridge.currentReport())
        }
        if let bridge, let webhook {
            await webhook.post(await bridge.currentReport(), logger: logger)
        }
    }

    /// The call's tasks; each ends when the bridge finishes its streams.
    private func startTasks(of bridge: CallBridge, in group: inout TaskGroup<Void>, outbound: WebSocketOutboundWriter, logger: Logger) {
        group.addTask {
            for await text in bridge.twilioOutbox {
                do { try await outbound.writeTextMessage(text) } catch { break }
            }
            // The call is over on our side: close Twilio's socket (ends the reader loop).
            try? await outbound.close(.normalClosure, reason: nil)
        }
        let realtime = self.realtime
        group.addTask {
            let client = RealtimeClient(configuration: realtime, logger: logger)
            do throws(RealtimeConnectionError) {
                let ending = try await client.run(
                    outgoing: bridge.modelOutbox,
                    onOpen: { await bridge.modelOpened() },
                    onEvent: { await bridge.model($0) })
                await bridge.modelEnded(.success(ending))
            } catch {
                await bridge.modelEnded(.failure(error))
            }
        }
        group.addTask {
            var bell = bridge.doorbell.makeAsyncIterator()
            while true {
                switch await bridge.pump() {
                case .stop: return
                case .idle: if await bell.next() == nil { _ = await bridge.pump(); return }
                case .after(let ms): try? await Task.sleep(for: .milliseconds(ms))
                }
            }
        }
        group.addTask { await bridge.runTimers() }
    }

    /// The close code a WebSocket-layer error carries (swift-websocket throws `close(WebSocketErrorCode)`).
    static func closeCode(in error: any Error) -> WebSocketErrorCode? {
        Mirror(reflecting: error).children.first { $0.label == "close" }?.value as? WebSocketErrorCode
    }

    private func close(_ outbound: WebSocketOutboundWriter, _ code: WebSocketErrorCode, _ reason: String, _ logger: Logger) async throws {
        logger.warning("closing media stream: \(reason)")
        // Close reasons must fit a control frame (125 bytes including the code).
        try await outbound.close(code, reason: String(reason.utf8.prefix(120)) ?? "protocol error")
    }
}

extension TwilioStreamError {
    /// The WebSocket close code for this violation.
    var closeCode: WebSocketErrorCode {
        switch self {
        case .malformed, .unknownEvent: .dataInconsistentWithMessage
        case .unsupportedFormat: .unacceptableData
        case .outOfOrder, .unauthorized: .policyViolation
        }
    }
}
