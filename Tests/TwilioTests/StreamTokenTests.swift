import Testing
import Twilio

@Suite struct StreamTokenTests {
    let signer = StreamToken(secret: "test-secret-not-real")
    let claims = StreamToken.Claims(callID: "c_0123", expiresAt: 2_000_000_000, message: "地震の安否確認です", userID: "u-42")

    func parameters(_ claims: StreamToken.Claims) -> [String: String] {
        Dictionary(uniqueKeysWithValues: signer.parameters(for: claims).map { ($0.name, $0.value) })
    }

    @Test func roundTripsThroughParameters() throws {
        #expect(try signer.verify(parameters(claims), now: 1_999_999_999) == claims)
        let bare = StreamToken.Claims(callID: "c_9", expiresAt: 100)
        #expect(parameters(bare)["message"] == nil && parameters(bare)["userId"] == nil)
        #expect(try signer.verify(parameters(bare), now: 100) == bare)
    }

    @Test func everyFieldIsCovered() {
        let p = parameters(claims)
        for (key, value) in [("callId", "c_0124"), ("expires", "2000000001"), ("message", "別の用件"), ("userId", "u-43"), ("token", String(p["token"]!.dropLast()) + "A")] {
            var forged = p
            forged[key] = value
            #expect(throws: StreamToken.Rejection.invalidSignature) { try signer.verify(forged, now: 0) }
        }
        var dropped = p
        dropped["message"] = nil
        #expect(throws: StreamToken.Rejection.invalidSignature) { try signer.verify(dropped, now: 0) }
    }

    @Test func expiredAndMissingAndOtherSecret() {
        #expect(throws: StreamToken.Rejection.expired) { try signer.verify(parameters(claims), now: 2_000_000_001) }
        for key in ["callId", "expires", "token"] {
            var p = parameters(claims)
            p[key] = nil
            #expect(throws: StreamToken.Rejection.missingParameter(key)) { try signer.verify(p, now: 0) }
        }
        #expect(throws: StreamToken.Rejection.invalidSignature) { try StreamToken(secret: "other-secret").verify(parameters(claims), now: 0) }
    }

    @Test func fieldBoundariesCannotBeShifted() {
        // Moving characters from one field to the next must change the signature.
        let a = StreamToken.Claims(callID: "c_1", expiresAt: 5, message: "ab", userID: "c")
        let b = StreamToken.Claims(callID: "c_1", expiresAt: 5, message: "a", userID: "bc")
        #expect(signer.sign(a) != signer.sign(b))
        #expect(!signer.sign(a).contains("=") && !signer.sign(a).contains("+") && !signer.sign(a).contains("/"))
    }
}
