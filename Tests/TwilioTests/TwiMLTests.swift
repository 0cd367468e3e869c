import Testing
import Twilio

@Suite struct TwiMLTests {
    @Test func connectStreamCarriesParametersEscaped() {
        let xml = TwiML.connectStream(url: "wss://gw.example.jp/media-stream", parameters: [("callId", "c_1"), ("message", #"地震 <安否> & "確認" 'です'"#)])
        #expect(xml == #"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://gw.example.jp/media-stream"><Parameter name="callId" value="c_1"/><Parameter name="message" value="地震 &lt;安否&gt; &amp; &quot;確認&quot; &apos;です&apos;"/></Stream></Connect></Response>"#)
    }

    @Test func lineBreaksSurviveAttributeNormalisation() {
        #expect(TwiML.escape("a\nb\r\tc") == "a&#10;b&#13;&#9;c")
        #expect(TwiML.escape("bell\u{07}") == "bell")
    }

    @Test func sayAndHangUp() {
        #expect(TwiML.sayAndHangUp("申し訳ありません") == #"<?xml version="1.0" encoding="UTF-8"?><Response><Say language="ja-JP">申し訳ありません</Say><Hangup/></Response>"#)
    }
}
