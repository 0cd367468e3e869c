import Testing
import Twilio

@Suite struct TwilioAPIErrorTests {
    @Test func parsesTheLegacyShape() {
        let e = TwilioAPIError.parse(status: 400, body: Array(#"{"code": 21211, "message": "The 'To' number +8190 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#.utf8))
        #expect(e == TwilioAPIError(httpStatus: 400, code: 21211, message: "The 'To' number +8190 is not a valid phone number.", moreInfo: "https://www.twilio.com/docs/errors/21211"))
    }

    @Test func parsesProblemJSON() {
        let e = TwilioAPIError.parse(status: 429, body: Array(#"{"type": "https://www.twilio.com/docs/errors/20429", "title": "Too Many Requests", "status": 429, "code": 20429, "detail": "slow down"}"#.utf8))
        #expect(e.code == 20429 && e.message == "Too Many Requests: slow down" && e.httpStatus == 429)
    }

    @Test func keepsNonJSONBodiesReadable() {
        #expect(TwilioAPIError.parse(status: 503, body: Array("<html>Service Unavailable</html>".utf8)).message == "<html>Service Unavailable</html>")
        #expect(TwilioAPIError.parse(status: 500, body: []).message == "empty error body")
        #expect(TwilioAPIError(httpStatus: 400, code: 21211, message: "bad").description == "Twilio answered 400 (error 21211): bad")
    }
}
