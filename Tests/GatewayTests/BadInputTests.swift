import AsyncHTTPClient
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Simulators
import Testing
import Twilio

/// Issue 6, point 4: every row of the README's bad-input table, against one gateway while a genuine
/// call runs on it — each answered by a clear error or close, never a crash, the genuine call unaffected.
@Suite struct BadInputTests {
    typealias Frame = WebSocketOutboundWriter.OutboundFrame
    static let connected = Frame.text(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#)

    /// A stream row: what is sent (after `connected` and, if `started`, a valid `start`), and the close expected.
    struct StreamRow: Sendable {
        var name: String
        var started: Bool
        var frames: [Frame]
        var code: WebSocketErrorCode
        var reason: String
    }

    static func rows() -> [StreamRow] {
        let media = #"{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"#
        return [
            StreamRow(name: "non-JSON", started: false, frames: [.text("{not json")], code: .dataInconsistentWithMessage, reason: "invalid JSON"),
            StreamRow(name: "JSON that is not an object", started: false, frames: [.text("[1,2,3]")], code: .dataInconsistentWithMessage, reason: "not a Twilio stream message"),
            StreamRow(name: "unknown event", started: false, frames: [.text(#"{"event":"hello"}"#)], code: .dataInconsistentWithMessage, reason: "unknown stream event"),
            StreamRow(name: "missing event", started: false, frames: [.text(#"{"media":{}}"#)], code: .dataInconsistentWithMessage, reason: "missing 'event'"),
            StreamRow(name: "start without callSid", started: false, frames: [.text(#"{"event":"start","start":{"streamSid":"MZ1"}}"#)], code: .dataInconsistentWithMessage, reason: "start without"),
            StreamRow(name: "start without token", started: false,
                      frames: [.text(#"{"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}"#)],
                      code: .policyViolation, reason: "parameter 'callId' is missing"),
            StreamRow(name: "wrong media format", started: false,
                      frames: [.text(#"{"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","mediaFormat":{"encoding":"audio/l16","sampleRate":16000,"channels":1}}}"#)],
                      code: .unacceptableData, reason: "only audio/x-mulaw 8000 Hz mono"),
            StreamRow(name: "media without payload", started: true, frames: [.text(#"{"event":"media","media":{"chunk":"1","timestamp":"0"}}"#)], code: .dataInconsistentWithMessage, reason: "media without media.payload"),
            StreamRow(name: "non-numeric chunk", started: true, frames: [.text(#"{"event":"media","media":{"chunk":"one","timestamp":"0","payload":"/w=="}}"#)], code: .dataInconsistentWithMessage, reason: "non-numeric chunk"),
            StreamRow(name: "invalid base64", started: true, frames: [.text(media + #""@@not base64@@"}}"#)], code: .dataInconsistentWithMessage, reason: "not base64"),
            StreamRow(name: "mark without name", started: true, frames: [.text(#"{"event":"mark","mark":{}}"#)], code: .dataInconsistentWithMessage, reason: "mark without mark.name"),
            StreamRow(name: "message over 64 KiB", started: true, frames: [.text(media + "\"" + String(repeating: "A", count: 70_000) + "\"}}")], code: .messageTooLarge, reason: ""),
            StreamRow(name: "binary frame", started: true, frames: [.binary(ByteBuffer(bytes: [0xFF, 0xFE, 0xFD]))], code: .unacceptableData, reason: "binary frames"),
            StreamRow(name: "invalid UTF-8 in a text frame", started: true,
                      frames: [.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: Array(#"{"event":"mark","mark":{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8))))],
                      code: .dataInconsistentWithMessage, reason: "not valid UTF-8"),
            StreamRow(name: "media before start", started: false, frames: [.text(MediaStreamEndpointTests.media(1))], code: .policyViolation, reason: "media before start"),
            StreamRow(name: "a second start", started: true, frames: [.text("SECOND_START")], code: .policyViolation, reason: "a second start"),
            StreamRow(name: "a second connected", started: true, frames: [connected], code: .policyViolation, reason: "a second connected"),
            StreamRow(name: "flood (2,100 messages at once)", started: true, frames: (1...2100).map { .text(MediaStreamEndpointTests.media($0)) },
                      code: .policyViolation, reason: "flood"),
        ]
    }

    @Test func everyBadStreamIsClosedAndTheGenuineCallCarriesOn() async throws {
        try await SecurityTests.withModel { h, model in
            // The genuine call: streams 20 ms frames for as long as the bad streams take.
            let genuineID = "c_genuine"
            let (stopGenuine, stopSignal) = AsyncStream<Void>.makeStream()
            let genuine = Task {
                try await MediaStreamEndpointTests.exchange(h, [Self.connected, .text(MediaStreamEndpointTests.startMessage(h, callID: genuineID))], then: {
                    // Frames until told to stop, then stop.
                    _ = await stopGenuine.first { _ in true }
                }, finally: (1...50).map { .text(MediaStreamEndpointTests.media($0)) } + [.text(#"{"event":"stop","stop":{}}"#)])
            }
            await model.waitForSessions(1)
            for (i, row) in Self.rows().enumerated() {
                let start = MediaStreamEndpointTests.startMessage(h, callID: "c_bad\(i)")
                let frames = (row.started ? [Self.connected, .text(start)] : [Self.connected]) + row.frames.map { frame in
                    if case .text("SECOND_START") = frame { return .text(start) }
                    return frame
                }
                let close = try await MediaStreamEndpointTests.exchange(h, frames)
                #expect(close?.closeCode == row.code, "\(row.name): \(String(describing: close))")
                if !row.reason.isEmpty {
                    #expect(close?.reason?.contains(row.reason) == true, "\(row.name): \(String(describing: close?.reason))")
                }
            }
            stopSignal.yield()
            let close = try await genuine.value
            #expect(close?.closeCode == .normalClosure)
            let report = await h.server.calls.waitForEnd(genuineID)
            #expect(report.endReason == .calleeHungUp)
            #expect(report.framesToModel == 50)
            await h.server.calls.waitUntilIdle()
            // Only the genuine call and the rows that got past `start` reached a model session.
            #expect(await h.server.calls.openStreams == 0)
        }
    }

    @Test func badHTTPRequests() async throws {
        try await GatewayHarness.with { h in
            let cases: [(String, HTTPMethod, String, String?, Int, String)] = [
                ("non-JSON body", .POST, "/outbound-call", "{oops", 400, "must be JSON"),
                ("missing to_number", .POST, "/outbound-call", "{}", 400, "to_number is required"),
                ("wrong type", .POST, "/outbound-call", #"{"to_number": 819012345678}"#, 400, "must be a string"),
                ("not E.164", .POST, "/outbound-call", #"{"to_number": "090-1234-5678"}"#, 400, "E.164"),
                ("body over 64 KiB", .POST, "/outbound-call", #"{"to_number": "+819012345678", "message": ""# + String(repeating: "あ", count: 30_000) + #""}"#, 413, "larger than 65536 bytes"),
                ("unsigned status callback", .POST, "/call-status", "CallSid=CA1&CallStatus=completed", 403, "X-Twilio-Signature"),
                ("unknown path", .GET, "/admin", nil, 404, ""),
            ]
            for (name, method, path, body, status, text) in cases {
                let (got, answer) = try await h.send(method, path, body: body, contentType: path == "/call-status" ? "application/x-www-form-urlencoded" : "application/json")
                #expect(got == status, "\(name): \(got) \(answer)")
                if !text.isEmpty { #expect(answer.contains(text), "\(name): \(answer)") }
            }
            // Invalid UTF-8 in the JSON body.
            var request = HTTPClientRequest(url: h.baseURL + "/outbound-call")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(#"{"to_number": "+8190"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)))
            let response = try await h.http.execute(request, timeout: .seconds(10))
            #expect(response.status == .badRequest)
            // Still serving.
            #expect(try await h.send(.GET, "/").0 == 200)
        }
    }

    @Test func aSlowRequestHeadIsCutOff() async throws {
        try await GatewayHarness.with(["REQUEST_HEADER_TIMEOUT_SECONDS": "1"]) { h in
            // A raw connection that sends half a request head and then nothing.
            let closed = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: h.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
                .executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: "POST /outbound-call HTTP/1.1\r\nHost: x\r\n"))
                    let clock = ContinuousClock(), began = clock.now
                    for try await _ in inbound {}
                    return began.duration(to: clock.now)
                }
            // Closed by the deadline, not by anything else (bounded loosely: behaviour, not speed).
            #expect(closed >= .milliseconds(900) && closed < .seconds(30))
            // A request whose head is complete is served normally on another connection.
            #expect(try await h.send(.GET, "/").0 == 200)
        }
    }

    @Test func aPeerThatStopsReadingEndsItsCall() async throws {
        var configuration = try GatewayConfiguration(variables: GatewayConfigurationTests.required.merging(["TWILIO_API_BASE_URL": "http://127.0.0.1:9"]) { $1 })
        configuration.greetingWaitMilliseconds = 30_000
        var settings = CallBridge.Settings(configuration: configuration)
        settings.maxTwilioBacklog = 40
        let start = TwilioStreamStart(streamSid: "MZslow", callSid: "CAslow", accountSid: "AC", tracks: ["inbound"], customParameters: [:],
                                      encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1)
        let registry = CallRegistry()
        let rest = TwilioRESTClient(configuration: .init(baseURL: "http://127.0.0.1:9", accountSID: "ACtest", authToken: "fake"), httpClient: HTTPClient.shared)
        var logger = Logger(label: "slow-reader")
        logger.logLevel = .critical
        let bridge = try CallBridge(settings: settings, claims: .init(callID: "c_slow", expiresAt: .max), start: start, registry: registry,
                                    twilio: rest, metrics: GatewayMetrics(), logger: logger)
        await bridge.begin()
        // Two seconds of assistant audio, and nobody reads Twilio's outbox.
        await bridge.model(.responseCreated(responseID: "resp_1"))
        await bridge.model(.audioDelta(responseID: "resp_1", itemID: "item_1", audio: [UInt8](repeating: 0xFF, count: 16_000)))
        pacing: while true {
            switch await bridge.pump() {
            case .stop: break pacing
            case .idle: Issue.record("the bridge went idle with audio queued"); break pacing
            case .after(let ms): try await Task.sleep(for: .milliseconds(ms))
            }
        }
        let report = await registry.waitForEnd("c_slow")
        #expect(report.endReason == .twilioDisconnected)
        #expect(report.framesToCallee < 40)
        #expect(report.events.contains { $0.what.contains("stopped taking messages") })
    }
}
