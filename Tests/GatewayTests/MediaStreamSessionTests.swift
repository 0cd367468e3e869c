import Gateway
import Testing
import Twilio

@Suite struct MediaStreamSessionTests {
    let tokens = StreamToken(secret: "test-secret")
    let now = 1_800_000_000

    func start(_ params: [String: String]? = nil, encoding: String = "audio/x-mulaw", rate: Int = 8000) -> TwilioStreamEvent {
        let claims = StreamToken.Claims(callID: "c_1", expiresAt: now + 60, message: "安否確認", userID: "u1")
        let p = params ?? Dictionary(uniqueKeysWithValues: tokens.parameters(for: claims).map { ($0.name, $0.value) })
        return .start(TwilioStreamStart(streamSid: "MZ1", callSid: "CA1", accountSid: "AC1", tracks: ["inbound"], customParameters: p, encoding: encoding, sampleRate: rate, channels: 1))
    }

    @Test func acceptsTwiliosOrder() throws {
        var s = MediaStreamSession(tokens: tokens)
        #expect(try s.handle(.connected(protocolName: "Call", version: "1.0.0"), now: now) == .none)
        guard case .started(let claims, _) = try s.handle(start(), now: now) else { Issue.record("not started"); return }
        #expect(claims.message == "安否確認" && claims.userID == "u1" && s.state == .streaming)
        #expect(try s.handle(.media(chunk: 1, timestamp: 0, payload: [0xFF]), now: now) == .media(chunk: 1, timestamp: 0, payload: [0xFF]))
        #expect(try s.handle(.mark(name: "m"), now: now) == .mark(name: "m"))
        #expect(try s.handle(.dtmf(digit: "5"), now: now) == .dtmf(digit: "5"))
        #expect(try s.handle(.stop, now: now) == .stopped)
        #expect(throws: TwilioStreamError.outOfOrder("message after stop")) { try s.handle(.media(chunk: 2, timestamp: 20, payload: []), now: now) }
    }

    @Test func startIsOptionalAfterConnectedButRequiredBeforeMedia() throws {
        var s = MediaStreamSession(tokens: tokens)
        #expect(throws: TwilioStreamError.outOfOrder("media before start")) { try s.handle(.media(chunk: 1, timestamp: 0, payload: []), now: now) }
        var t = MediaStreamSession(tokens: tokens)
        _ = try t.handle(start(), now: now)
        #expect(throws: TwilioStreamError.outOfOrder("a second start")) { try t.handle(start(), now: now) }
        #expect(throws: TwilioStreamError.outOfOrder("a second connected")) { try t.handle(.connected(protocolName: "Call", version: "1"), now: now) }
    }

    @Test func refusesBadTokensAndFormats() {
        var s = MediaStreamSession(tokens: tokens)
        #expect(throws: TwilioStreamError.unauthorized("stream token: parameter 'callId' is missing")) { try s.handle(start([:]), now: now) }
        #expect(throws: TwilioStreamError.unauthorized("stream token: expired")) { try s.handle(start(), now: now + 61) }
        #expect(throws: TwilioStreamError.self) { try s.handle(start(encoding: "audio/l16"), now: now) }
        #expect(s.state == .awaitingStart)
        var other = MediaStreamSession(tokens: StreamToken(secret: "another-instance-secret"))
        #expect(throws: TwilioStreamError.unauthorized("stream token: signature does not match")) { try other.handle(start(), now: now) }
    }
}
