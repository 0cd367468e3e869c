import Foundation
import Gateway
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Testing
import Twilio

/// `/media-stream` over a real WebSocket: Twilio's protocol accepted, violations closed with a reason.
@Suite struct MediaStreamEndpointTests {
    static let logger = Logger(label: "ws-test")

    /// Connects to the harness's `/media-stream`, sends `messages` one by one, and returns the close frame.
    /// `then` runs after `messages` are sent, and `finally` is sent after it.
    static func exchange(_ harness: GatewayHarness, _ messages: [WebSocketOutboundWriter.OutboundFrame],
                         signature: String? = nil, then: @escaping @Sendable () async -> Void = {},
                         finally: [WebSocketOutboundWriter.OutboundFrame] = []) async throws -> WebSocketCloseFrame? {
        let url = "ws://127.0.0.1:\(harness.port)/media-stream"
        var headers = HTTPFields()
        headers[HTTPField.Name(TwilioSignature.header)!] = signature ?? TwilioSignature(authToken: GatewayHarness.twilioAuthToken).sign(url: url)
        return try await WebSocketClient.connect(url: url, configuration: .init(additionalHeaders: headers), logger: logger) { inbound, outbound, _ in
            for m in messages { try await outbound.write(m) }
            await then()
            for m in finally { try await outbound.write(m) }
            // Wait for the server to close (or for nothing else to happen).
            for try await _ in inbound {}
        }
    }

    static func startMessage(_ harness: GatewayHarness, secret: String = "derived-from-auth-token:test-auth-token", expires: Int? = nil,
                             callID: String = "c_test") -> String {
        let claims = StreamToken.Claims(callID: callID, expiresAt: expires ?? Int(Date().timeIntervalSince1970) + 60, message: "安否確認", userID: "u1")
        let params = StreamToken(secret: secret).parameters(for: claims).map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",")
        return #"{"event":"start","sequenceNumber":"1","start":{"accountSid":"ACtest","streamSid":"MZtest","callSid":"CAtest","tracks":["inbound"],"customParameters":{\#(params)},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZtest"}"#
    }

    static func media(_ chunk: Int) -> String {
        #"{"event":"media","sequenceNumber":"\#(chunk + 1)","media":{"track":"inbound","chunk":"\#(chunk)","timestamp":"\#(20 * (chunk - 1))","payload":"\#(Data(repeating: 0xFF, count: 160).base64EncodedString())"},"streamSid":"MZtest"}"#
    }

    @Test func aWholeStreamEndsWithANormalClose() async throws {
        try await GatewayHarness.with { h in
            var messages: [WebSocketOutboundWriter.OutboundFrame] = [.text(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#), .text(Self.startMessage(h))]
            messages += (1...10).map { .text(Self.media($0)) }
            messages += [.text(#"{"event":"dtmf","dtmf":{"digit":"1"}}"#), .text(#"{"event":"mark","mark":{"name":"x"}}"#), .text(#"{"event":"stop","stop":{}}"#)]
            let close = try await Self.exchange(h, messages)
            #expect(close?.closeCode == .normalClosure)
        }
    }

    @Test func violationsAreClosedWithACodeAndReason() async throws {
        try await GatewayHarness.with { h in
            let cases: [([WebSocketOutboundWriter.OutboundFrame], WebSocketErrorCode, String)] = [
                ([.text(Self.media(1))], .policyViolation, "media before start"),
                ([.text(Self.startMessage(h, secret: "forged"))], .policyViolation, "signature does not match"),
                ([.text(Self.startMessage(h, expires: 1000))], .policyViolation, "expired"),
                ([.text(Self.startMessage(h)), .text(Self.startMessage(h))], .policyViolation, "a second start"),
                ([.text("{not json")], .dataInconsistentWithMessage, "malformed"),
                ([.text(#"{"event":"hello"}"#)], .dataInconsistentWithMessage, "unknown stream event"),
                ([.binary(.init(bytes: [1, 2, 3]))], .unacceptableData, "binary frames"),
            ]
            for (messages, code, reason) in cases {
                let close = try await Self.exchange(h, messages)
                #expect(close?.closeCode == code, "\(reason)")
                #expect(close?.reason?.contains(reason) == true, "\(String(describing: close?.reason)) should mention \(reason)")
            }
        }
    }
}
