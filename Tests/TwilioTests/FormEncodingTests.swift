import Testing
import Twilio

@Suite struct FormEncodingTests {
    @Test func roundTripsUnicodeAndReservedCharacters() {
        let pairs = [("Twiml", #"<Response a="1">&安否 +x</Response>"#), ("StatusCallbackEvent", "initiated"), ("StatusCallbackEvent", "ringing")]
        let encoded = FormEncoding.encode(pairs)
        #expect(!encoded.contains(" ") && !encoded.contains("<") && encoded.contains("StatusCallbackEvent=initiated&StatusCallbackEvent=ringing"))
        let decoded = FormEncoding.decode(Substring(encoded))
        #expect(decoded.map { $0.0 } == pairs.map { $0.0 })
        #expect(decoded.map { $0.1 } == pairs.map { $0.1 })
    }

    @Test func decodesPlusAsSpaceAndKeepsBadEscapes() {
        #expect(FormEncoding.decodeDictionary("a=b+c&d=%E5%AE%89&e=%zz&f") == ["a": "b c", "d": "安", "e": "%zz", "f": ""])
    }
}
