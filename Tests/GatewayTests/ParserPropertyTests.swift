import Foundation
@testable import Gateway
import MediaCore
@testable import Realtime
import Simulators
import Testing
@testable import Twilio

/// Issue 6, point 4: property tests of every parser that reads what a peer sends — thousands of
/// seeded, generated and mutated inputs each: no crash, fast paths agree with the full parsers,
/// round trips hold. A failure prints the seed's case so it can be replayed.
@Suite struct ParserPropertyTests {
    static let iterations = 4000

    /// One small random edit of `text`: a byte flipped, dropped, duplicated, or the text cut short.
    static func mutate(_ text: String, _ g: inout SeededGenerator) -> String {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return text }
        let i = Int.random(in: 0..<bytes.count, using: &g)
        switch Int.random(in: 0..<5, using: &g) {
        case 0: bytes[i] = UInt8.random(in: 0...255, using: &g)
        case 1: bytes.remove(at: i)
        case 2: bytes.insert(bytes[i], at: i)
        case 3: bytes.removeSubrange(i...)
        default: bytes.insert(Array(#"{}[]":,\0"#.utf8).randomElement(using: &g)!, at: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func randomText(_ g: inout SeededGenerator, maxCount: Int = 20) -> String {
        let alphabet = Array("aZ09 +-_./:=&?%#\"\\\n\t日本語安否😀")
        return String((0..<Int.random(in: 0...maxCount, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
    }

    static func media(chunk: UInt32, timestamp: UInt32, payload: [UInt8]) -> String {
        #"{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"\#(chunk)","timestamp":"\#(timestamp)","payload":"\#(Data(payload).base64EncodedString())"},"streamSid":"MZ1"}"#
    }

    @Test func twilioMessagesParseExactlyAndTheFastPathAgrees() throws {
        var g = SeededGenerator(seed: 0x7A11_0001)
        for n in 0..<Self.iterations {
            let chunk = UInt32.random(in: 0...UInt32.max, using: &g), timestamp = UInt32.random(in: 0...UInt32.max, using: &g)
            let payload = (0..<Int.random(in: 0...400, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let text = Self.media(chunk: chunk, timestamp: timestamp, payload: payload)
            let expected = TwilioStreamEvent.media(chunk: chunk, timestamp: timestamp, payload: payload)
            #expect(try TwilioStreamEvent.parse(text) == expected, "case \(n)")
            #expect(try TwilioStreamEvent.fullParse(text) == expected, "case \(n)")
            // Mutated messages: never a crash; whatever both paths accept, they read alike.
            let mutated = Self.mutate(text, &g)
            if let fast = TwilioStreamEvent.fastParse(mutated), let full = try? TwilioStreamEvent.fullParse(mutated) {
                #expect(fast == full, "case \(n): \(mutated)")
            }
            _ = try? TwilioStreamEvent.parse(mutated)
            let mark = #"{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"\#(Self.randomText(&g).replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\t", with: ""))"}}"#
            let mutatedMark = Self.mutate(mark, &g)
            if let fast = TwilioStreamEvent.fastParse(mutatedMark), let full = try? TwilioStreamEvent.fullParse(mutatedMark) {
                #expect(fast == full, "case \(n): \(mutatedMark)")
            }
        }
    }

    @Test func theStreamSessionSurvivesAnyOrderOfEvents() {
        var g = SeededGenerator(seed: 0x7A11_0002)
        let tokens = StreamToken(secret: "property-secret")
        let claims = StreamToken.Claims(callID: "c_p", expiresAt: 2_000_000_000)
        let start = TwilioStreamStart(streamSid: "MZ", callSid: "CA", accountSid: "AC", tracks: ["inbound"],
                                      customParameters: Dictionary(uniqueKeysWithValues: tokens.parameters(for: claims).map { ($0.name, $0.value) }),
                                      encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1)
        let events: [TwilioStreamEvent] = [.connected(protocolName: "Call", version: "1.0.0"), .start(start), .media(chunk: 1, timestamp: 0, payload: [0xFF]),
                                           .mark(name: "m"), .dtmf(digit: "1"), .stop]
        for _ in 0..<Self.iterations {
            var session = MediaStreamSession(tokens: tokens)
            var started = 0, stopped = false
            for _ in 0..<Int.random(in: 1...12, using: &g) {
                let event = events.randomElement(using: &g)!
                let outcome = try? session.handle(event, now: 1_000)
                if case .started = outcome { started += 1 }
                if case .stopped = outcome { stopped = true }
                // Nothing is accepted after stop, and media only ever flows between start and stop.
                if stopped, case .stop = event {} else if stopped { #expect(outcome == nil) }
                if case .media = outcome { #expect(started == 1 && !stopped) }
            }
            #expect(started <= 1)
        }
    }

    @Test func realtimeEventsFastPathAgrees() throws {
        var g = SeededGenerator(seed: 0x7A11_0003)
        for n in 0..<Self.iterations {
            let audio = (0..<Int.random(in: 0...600, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let text = #"{"type":"response.output_audio.delta","event_id":"ev_1","response_id":"resp_\#(n)","item_id":"item_\#(n)","output_index":0,"content_index":0,"delta":"\#(Data(audio).base64EncodedString())"}"#
            #expect(RealtimeServerEvent.fastAudioDelta(text) == .audioDelta(responseID: "resp_\(n)", itemID: "item_\(n)", audio: audio))
            #expect(try RealtimeServerEvent.fullParse(text) == .audioDelta(responseID: "resp_\(n)", itemID: "item_\(n)", audio: audio))
            let mutated = Self.mutate(text, &g)
            if let fast = RealtimeServerEvent.fastAudioDelta(mutated), let full = try? RealtimeServerEvent.fullParse(mutated) {
                #expect(fast == full, "case \(n): \(mutated)")
            }
            _ = try? RealtimeServerEvent.parse(Self.mutate(#"{"type":"error","error":{"type":"server_error","code":"x","message":"\#(Self.randomText(&g))"}}"#, &g))
        }
    }

    @Test func outboundCallBodiesNeverCrashAndValidOnesRoundTrip() throws {
        var g = SeededGenerator(seed: 0x7A11_0004)
        for n in 0..<Self.iterations {
            let number = "+81" + String((0..<Int.random(in: 1...12, using: &g)).map { _ in Character(String(Int.random(in: 0...9, using: &g))) })
            let message = Self.randomText(&g, maxCount: 60), user = Self.randomText(&g, maxCount: 10)
            let body = try JSONSerialization.data(withJSONObject: ["to_number": number, "message": message, "user_id": user])
            let parsed = try OutboundCallRequest.parse(Array(body))
            #expect(parsed.toNumber.rawValue == number && parsed.message == message && parsed.userID == user, "case \(n)")
            do {
                _ = try OutboundCallRequest.parse(Array(Self.mutate(String(decoding: body, as: UTF8.self), &g).utf8))
            } catch {
                // Every refusal is a 400 with a message, never anything else.
                #expect(error.httpStatus == 400 && !error.description.isEmpty)
            }
        }
    }

    @Test func formEncodingRoundTripsAndSignaturesCoverEveryByte() {
        var g = SeededGenerator(seed: 0x7A11_0005)
        for n in 0..<Self.iterations {
            let pairs = (0..<Int.random(in: 0...6, using: &g)).map { _ in (Self.randomText(&g, maxCount: 8), Self.randomText(&g)) }.filter { !$0.0.isEmpty }
            let encoded = FormEncoding.encode(pairs)
            let decoded = FormEncoding.decode(Substring(encoded))
            #expect(decoded.map(\.0) == pairs.map(\.0) && decoded.map(\.1) == pairs.map(\.1), "case \(n)")
            _ = FormEncoding.decode(Substring(Self.mutate(encoded, &g)))
            let url = "https://gw.example.test/call-status" + (Bool.random(using: &g) ? "?" + encoded : "")
            let signer = TwilioSignature(authToken: "property-token")
            let signature = signer.sign(url: url, parameters: pairs)
            #expect(signer.isValid(signature, url: url, parameters: pairs.shuffled(using: &g)), "case \(n)")
            let forged = Self.mutate(signature, &g)
            if forged != signature { #expect(!signer.isValid(forged, url: url, parameters: pairs), "case \(n)") }
            _ = TwilioSignature.portVariants(of: Self.mutate(url, &g))
        }
    }
}
