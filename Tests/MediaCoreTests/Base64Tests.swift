import Foundation
import MediaCore
import Testing

@Suite struct Base64Tests {
    /// Same text as Foundation for every length 0–300, and back again.
    @Test func matchesFoundationBothWays() {
        var rng = SplitMix64(seed: 64)
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Base64.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString())
            #expect(Base64.decode(text) == bytes)
        }
    }

    @Test func decodesWithoutPaddingAndRefusesGarbage() {
        #expect(Base64.decode("/38A") == [0xFF, 0x7F, 0x00])
        #expect(Base64.decode("/w") == [0xFF])
        #expect(Base64.decode("/w==") == [0xFF])
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("ab c") == nil)
        #expect(Base64.decode("ab\\u0041") == nil)
    }

    @Test func scannerFindsUnescapedStringValues() {
        let text = Substring(#"{"event":"media","media":{"chunk":"12","timestamp":"240","payload":"/38A"},"x":"a\"b"}"#).utf8
        #expect(JSONFieldScanner.number("chunk", in: text) == 12)
        #expect(JSONFieldScanner.number("timestamp", in: text) == 240)
        #expect(JSONFieldScanner.string("payload", in: text).map { String(Substring($0)) } == "/38A")
        #expect(JSONFieldScanner.string("x", in: text) == nil, "escaped values are left to a full parser")
        #expect(JSONFieldScanner.string("missing", in: text) == nil)
        #expect(JSONFieldScanner.number("payload", in: text) == nil)
    }
}
