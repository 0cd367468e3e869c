import Foundation
@testable import Gateway
import Testing

@Suite struct CallResultTests {
    @Test func safetyStatusParsesTheToolArguments() throws {
        let s = try SafetyStatus.parse(arguments: #"{"status":"needs_help","details":"足を怪我","location":"避難所"}"#)
        #expect(s == SafetyStatus(status: .needs_help, details: "足を怪我", location: "避難所"))
        #expect(try SafetyStatus.parse(arguments: #"{"status":"safe"}"#) == SafetyStatus(status: .safe))
    }

    @Test(arguments: [
        (#"{"status":"fine"}"#, "status must be one of safe, injured, needs_help, unreachable, unknown, not 'fine'"),
        (#"{"details":"x"}"#, "status is required"),
        ("not json", "arguments are not a JSON object"),
    ])
    func badArgumentsSayWhatIsWrong(arguments: String, message: String) {
        #expect(throws: ToolArgumentError(message)) { try SafetyStatus.parse(arguments: arguments) }
    }

    @Test func reportJSONHasTheResultAndWhyItEnded() throws {
        var r = CallReport(callID: "c_1", callSID: "CA1", streamSID: "MZ1", userID: "u1", message: "m", audioFormat: "pcmu", startedAt: Date(timeIntervalSince1970: 0))
        r.endReason = .realtimeError(code: "server_error", message: "boom")
        r.safetyStatus = SafetyStatus(status: .injured, details: "d", location: "l")
        r.transcript = [.init(speaker: .assistant, text: "こんにちは", atMilliseconds: 5, itemID: "item_1", cutAtMilliseconds: 120)]
        let o = try #require(try JSONSerialization.jsonObject(with: r.json) as? [String: Any])
        #expect(o["end_reason"] as? String == "realtime_error")
        #expect(o["end_detail"] as? String == "Realtime error server_error: boom")
        #expect((o["safety_status"] as? [String: Any])?["status"] as? String == "injured")
        #expect((o["transcript"] as? [[String: Any]])?.first?["cut_at_ms"] as? Int == 120)
        #expect(o["started_at"] as? String == "1970-01-01T00:00:00Z")
    }

    @Test func apologyOnlyWhereTheCalleeMayStillListen() {
        #expect(CallEndReason.realtimeDropped("x").needsApology)
        #expect(CallEndReason.sessionExpired.needsApology)
        #expect(!CallEndReason.calleeHungUp.needsApology)
        #expect(!CallEndReason.completed.needsApology)
        #expect(!CallEndReason.rejected("forged").needsApology)
    }

    @Test func instructionsCarryThePurposeOfTheCall() {
        let text = SafetyScript.instructions(base: "BASE", message: "  台風の後の確認です \n")
        #expect(text.hasPrefix("BASE") && text.hasSuffix("台風の後の確認です"))
        #expect(SafetyScript.instructions(base: "BASE", message: " ") == "BASE")
        #expect(SafetyScript.instructions.contains("record_safety_status") && SafetyScript.instructions.contains("end_call"))
    }
}
