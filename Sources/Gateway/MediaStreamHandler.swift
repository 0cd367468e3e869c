import Foundation
import HummingbirdWebSocket
import Logging
import MediaCore
import NIOWebSocket
import Twilio

/// Serves one `/media-stream` WebSocket: parses Twilio's messages, checks them
/// with a `MediaStreamSession`, feeds callee audio through the jitter buffer,
/// and closes the socket with a clear reason on any protocol violation.
/// (The model side is added by the call bridge.)
struct MediaStreamHandler: Sendable {
    let tokens: StreamToken
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        var session = MediaStreamSession(tokens: tokens)
        var logger = self.logger
        let clock = ContinuousClock()
        let epoch = clock.now
        var jitter: JitterBuffer?
        var frame = [UInt8](repeating: 0, count: 160)
        var frames = 0
        do {
            for try await message in inbound.messages(maxSize: GatewayServer.maxStreamMessageBytes) {
                guard case .text(let text) = message else {
                    try await close(outbound, .unacceptableData, "binary frames are not part of Twilio's protocol", logger)
                    return
                }
                let now = Int(Date().timeIntervalSince1970)
                let outcome: MediaStreamSession.Outcome
                do {
                    outcome = try session.handle(try TwilioStreamEvent.parse(text), now: now)
                } catch {
                    try await close(outbound, error.closeCode, error.description, logger)
                    return
                }
                switch outcome {
                case .none, .mark, .dtmf:
                    break
                case .started(let claims, let start):
                    logger[metadataKey: "call_id"] = "\(claims.callID)"
                    logger.info("media stream started", metadata: ["call_sid": "\(start.callSid)", "stream_sid": "\(start.streamSid)"])
                    jitter = try JitterBuffer()
                case .media(let chunk, let timestamp, let payload):
                    let ms = UInt64(epoch.duration(to: clock.now) / .milliseconds(1))
                    try payload.withUnsafeBufferPointer { try jitter?.push($0, timestamp: timestamp, chunk: chunk, now: ms) }
                    while let j = jitter, frame.withUnsafeMutableBufferPointer({ j.pop(now: ms, into: $0) }) != .empty { frames += 1 }
                case .stopped:
                    let s = jitter?.statistics
                    logger.info("media stream stopped", metadata: ["frames": "\(frames)", "filled": "\(s?.filled ?? 0)", "late": "\(s?.late ?? 0)", "lost": "\(s?.lost ?? 0)"])
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                }
            }
        } catch {
            logger.notice("media stream ended: \(error)")
        }
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
