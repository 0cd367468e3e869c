import Gateway
import Testing
import Twilio

@Suite struct OutboundCallRequestTests {
    func parse(_ s: String) throws(OutboundCallError) -> OutboundCallRequest { try OutboundCallRequest.parse(Array(s.utf8)) }

    @Test func acceptsTheOriginalBody() throws {
        #expect(try parse(#"{"to_number": "+819012345678"}"#) == OutboundCallRequest(toNumber: E164Number("+819012345678")!))
        #expect(try parse(#"{"to_number": "+819012345678", "message": "地震がありました", "user_id": "u-1"}"#).message == "地震がありました")
        #expect(try parse(#"{"to_number": "+819012345678", "message": null}"#).message == "")
    }

    @Test(arguments: [
        ("", "the body must be JSON"), ("{", "the body must be JSON"), ("[1]", "the body must be a JSON object"),
        ("{}", "to_number is required"), (#"{"to_number": 819012345678}"#, "to_number must be a string"),
        (#"{"to_number": "090-1234-5678"}"#, "to_number must be an E.164 number"),
        (#"{"to_number": "+819012345678", "message": 5}"#, "message must be a string"),
    ])
    func refusesWithAReason(body: String, reason: String) {
        #expect {
            try parse(body)
        } throws: { error in
            guard case .badRequest(let why) = error as? OutboundCallError else { return false }
            return why.hasPrefix(reason)
        }
    }

    @Test func limitsLengthsToWhatATwiMLParameterHolds() {
        let long = String(repeating: "あ", count: OutboundCallRequest.maxMessageCharacters + 1)
        #expect(throws: OutboundCallError.self) { try parse(#"{"to_number": "+819012345678", "message": "\#(long)"}"#) }
    }

    @Test func statusesMapToHTTP() {
        let n = E164Number("+819012345678")!
        #expect(OutboundCallError.notPermitted(n).httpStatus == 403)
        #expect(OutboundCallError.notPermitted(n).description == "+819012345678 は発信許可がありません")
        #expect(OutboundCallError.twilioRefused(TwilioAPIError(httpStatus: 400, code: 21211, message: "bad")).httpStatus == 502)
        #expect(OutboundCallError.twilioTimeout("slow").httpStatus == 504)
        #expect(OutboundCallError.badRequest("x").httpStatus == 400)
    }
}
