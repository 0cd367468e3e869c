@testable import Simulators
import Testing
import Twilio

/// What a simulated callee reads from the TwiML a call carries.
@Suite struct TwiMLReadingTests {
    static func call(twiml: String?) -> SimulatedCall {
        SimulatedCall(sid: "CA0", accountSID: "AC0", to: "+819012345678", from: "+15005550006", url: nil, twiml: twiml,
                      twimlHistory: [], statusCallback: nil, statusCallbackMethod: "POST", statusCallbackEvents: [],
                      status: .queued, form: [], duration: nil, callbacks: [])
    }

    @Test func theStreamURLAndParametersComeBackUnescaped() {
        let parameters = [(name: "message", value: "地震 & 津波の\"安否\"確認\n<至急>"), (name: "token", value: "a'b")]
        let twiml = TwiML.connectStream(url: "wss://gw.example/media-stream?a=1&b=2", parameters: parameters)
        let call = Self.call(twiml: twiml)
        #expect(call.streamURL == "wss://gw.example/media-stream?a=1&b=2")
        #expect(call.streamParameters.map(\.name) == ["message", "token"])
        #expect(call.streamParameters.map(\.value) == parameters.map(\.value))
        #expect(call.connectsStream)
    }

    @Test func twimlWithoutAStreamHasNone() {
        let call = Self.call(twiml: TwiML.sayAndHangUp("さようなら"))
        #expect(call.streamURL == nil && call.streamParameters.isEmpty && !call.connectsStream)
    }
}
