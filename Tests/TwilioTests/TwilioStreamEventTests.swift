import Foundation
import Testing
@testable import Twilio

@Suite struct TwilioStreamEventTests {
    @Test func parsesEachEvent() throws {
        #expect(try TwilioStreamEvent.parse(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#) == .connected(protocolName: "Call", version: "1.0.0"))
        let start = try TwilioStreamEvent.parse(#"""
            {"event":"start","sequenceNumber":"1","start":{"accountSid":"ACfake","streamSid":"MZfake","callSid":"CAfake","tracks":["inbound"],
             "customParameters":{"callId":"c_1","token":"t"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZfake"}
            """#)
        guard case .start(let s) = start else { Issue.record("not a start"); return }
        #expect(s.streamSid == "MZfake" && s.callSid == "CAfake" && s.customParameters == ["callId": "c_1", "token": "t"] && s.isMulaw8kMono)
        #expect(try TwilioStreamEvent.parse(#"{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"/38A"},"streamSid":"MZ"}"#)
            == .media(chunk: 1, timestamp: 5, payload: [0xFF, 0x7F, 0x00]))
        #expect(try TwilioStreamEvent.parse(#"{"event":"mark","streamSid":"MZ","mark":{"name":"item_1:20:g0"}}"#) == .mark(name: "item_1:20:g0"))
        #expect(try TwilioStreamEvent.parse(#"{"event":"dtmf","dtmf":{"track":"inbound_track","digit":"1"}}"#) == .dtmf(digit: "1"))
        #expect(try TwilioStreamEvent.parse(#"{"event":"stop","stop":{"callSid":"CA"}}"#) == .stop)
    }

    @Test(arguments: [
        ("not json", "malformed"),
        (#"{"no":"event"}"#, "malformed"),
        (#"{"event":"media","media":{"chunk":"1","timestamp":"5"}}"#, "malformed"),
        (#"{"event":"media","media":{"chunk":"x","timestamp":"5","payload":""}}"#, "malformed"),
        (#"{"event":"media","media":{"chunk":"1","timestamp":"5","payload":"***"}}"#, "malformed"),
        (#"{"event":"start","start":{}}"#, "malformed"),
        (#"{"event":"mark"}"#, "malformed"),
        (#"{"event":"hello"}"#, "unknown"),
    ])
    func refusesBadMessages(text: String, kind: String) {
        do {
            _ = try TwilioStreamEvent.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            switch error {
            case .malformed: #expect(kind == "malformed")
            case .unknownEvent: #expect(kind == "unknown")
            default: Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func commandsAreTwilioJSON() {
        #expect(TwilioStreamCommand.media(payload: [0xFF, 0x7F, 0x00]).json(streamSid: "MZ1") == #"{"event":"media","streamSid":"MZ1","media":{"payload":"/38A"}}"#)
        #expect(TwilioStreamCommand.mark(name: "a\"b").json(streamSid: "MZ1") == #"{"event":"mark","streamSid":"MZ1","mark":{"name":"a\"b"}}"#)
        #expect(TwilioStreamCommand.clear.json(streamSid: "MZ1") == #"{"event":"clear","streamSid":"MZ1"}"#)
    }
}

@Suite struct TwilioStreamFastPathTests {
    /// The fast path gives exactly what the full parser gives, and leaves everything odd to it.
    @Test func fastParseEqualsTheFullParser() throws {
        let payload = Data((0..<160).map { UInt8($0) }).base64EncodedString()
        let text = #"{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"3","timestamp":"40","payload":"\#(payload)"},"streamSid":"MZ1"}"#
        let fast = try #require(TwilioStreamEvent.fastParse(text))
        #expect(fast == .media(chunk: 3, timestamp: 40, payload: (0..<160).map { UInt8($0) }))
        #expect(try TwilioStreamEvent.parse(text) == fast)
        // Other key orders, a bad payload or a missing field take the full parser (and its errors).
        #expect(TwilioStreamEvent.fastParse(#"{"sequenceNumber":"4","event":"media","media":{"chunk":"3","timestamp":"40","payload":"/w=="}}"#) == nil)
        #expect(TwilioStreamEvent.fastParse(#"{"event":"media","media":{"chunk":"3","timestamp":"40","payload":"@@"}}"#) == nil)
        #expect(TwilioStreamEvent.fastParse(#"{"event":"mark","sequenceNumber":"9","streamSid":"MZ1","mark":{"name":"item_1:40:g0"}}"#) == .mark(name: "item_1:40:g0"))
        #expect(TwilioStreamEvent.fastParse(#"{"event":"mark","mark":{"name":"a\"b"}}"#) == nil, "escaped names take the full parser")
        #expect(throws: TwilioStreamError.self) { try TwilioStreamEvent.parse(#"{"event":"media","media":{"chunk":"3","timestamp":"40","payload":"@@"}}"#) }
        #expect(throws: TwilioStreamError.self) { try TwilioStreamEvent.parse(#"{"event":"media","media":{"chunk":"x","timestamp":"40","payload":"/w=="}}"#) }
    }
}

@Suite struct TwilioStreamEncoderTests {
    @Test func sameTextAsTheCommands() {
        let sid = #"MZ"odd\sid"#
        let encoder = TwilioStreamEncoder(streamSid: sid)
        let audio: [UInt8] = (0..<160).map { UInt8($0) }
        #expect(audio.withUnsafeBufferPointer { encoder.media($0) } == TwilioStreamCommand.media(payload: audio).json(streamSid: sid))
        #expect(encoder.mark("item_1:20:g0") == TwilioStreamCommand.mark(name: "item_1:20:g0").json(streamSid: sid))
        #expect(encoder.clear == TwilioStreamCommand.clear.json(streamSid: sid))
    }
}
