import Testing
import Twilio

@Suite struct CallRequestTests {
    @Test func formHasAllFourStatusEventsAndAsyncAMD() {
        let r = CallRequest(to: E164Number("+819012345678")!, from: "+15005550006", twiml: "<Response/>", statusCallback: "https://gw.example/call-status", timeoutSeconds: 30, machineDetection: .enable)
        let f = r.formFields
        #expect(f.filter { $0.0 == "StatusCallbackEvent" }.map(\.1) == ["initiated", "ringing", "answered", "completed"])
        #expect(f.contains { $0 == ("To", "+819012345678") } && f.contains { $0 == ("Timeout", "30") })
        #expect(f.contains { $0 == ("MachineDetection", "Enable") } && f.contains { $0 == ("AsyncAmd", "true") })
        let plain = CallRequest(to: E164Number("+819012345678")!, from: "+1", twiml: "<Response/>").formFields
        #expect(plain.map(\.0) == ["To", "From", "Twiml"])
    }
}
