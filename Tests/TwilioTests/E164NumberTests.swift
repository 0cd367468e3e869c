import Testing
import Twilio

@Suite struct E164NumberTests {
    @Test(arguments: ["+819012345678", "+15005550006", "+442071838750", "+123456789012345", "+12"])
    func acceptsE164(_ text: String) {
        #expect(E164Number(text)?.rawValue == text)
    }

    @Test(arguments: ["", "+", "819012345678", "+0901234567", "+81 90 1234 5678", "+81-90-1234-5678", "+1234567890123456", "++81901234567", "+81９０", "+8190a"])
    func rejectsEverythingElse(_ text: String) {
        #expect(E164Number(text) == nil)
    }

    @Test func masksForLogs() {
        #expect(E164Number("+819012345678")!.masked == "+81••••••5678")
        #expect(E164Number("+1234")!.masked == "+1234")
    }
}
