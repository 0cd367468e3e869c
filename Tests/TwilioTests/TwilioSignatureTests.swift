import Testing
import Twilio

/// The expected signatures are the published test vectors of Twilio's official helper library
/// (twilio-php `RequestValidatorTest`, auth token "12345"): an independent reference, so a
/// self-consistent but wrong implementation cannot pass.
@Suite struct TwilioSignatureTests {
    let validator = TwilioSignature(authToken: "12345")
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
                      ("From", "+14158675309"), ("To", "+18005551212")]

    @Test func matchesTheOfficialVector() {
        #expect(validator.sign(url: url, parameters: parameters) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        // Order of the body's parameters does not matter.
        #expect(validator.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: parameters.reversed()))
    }

    @Test func repeatedNamesAreDeduplicatedAndSorted() {
        let repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234")]
        #expect(validator.isValid("IK+Dwps556ElfBT0I3Rgjkr1wJU=", url: url, parameters: repeated))
    }

    @Test func defaultPortWithOrWithout() {
        // Twilio signed the URL with an explicit :443 / :80; we are configured without it.
        #expect(validator.isValid("kvajT1Ptam85bY51eRf/AJRuM3w=", url: url, parameters: parameters))
        #expect(validator.isValid("0ZXoZLH/DfblKGATFgpif+LLRf4=", url: "http://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters))
        // …and the other way round: configured with :443, Twilio signed without.
        #expect(validator.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", parameters: parameters))
        // A non-default port is part of the URL.
        #expect(!validator.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: "https://mycompany.com:8443/myapp.php?foo=1&bar=2", parameters: parameters))
        #expect(validator.isValid("ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", url: "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters))
    }

    @Test func jsonBodyVariant() {
        let body = Array(#"{"property": "value", "boolean": true}"#.utf8)
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        #expect(TwilioSignature.bodyHash(body) == hash)
        #expect(validator.isValid("a9nBmqA0ju/hNViExpshrM61xv4=", url: url + "&bodySHA256=" + hash, jsonBody: body))
        #expect(!validator.isValid("a9nBmqA0ju/hNViExpshrM61xv4=", url: url + "&bodySHA256=" + hash, jsonBody: body + [0x20]))
        #expect(!validator.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, jsonBody: body))
    }

    @Test func anyChangeIsRefused() {
        let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        #expect(!validator.isValid(nil, url: url, parameters: parameters))
        #expect(!validator.isValid("", url: url, parameters: parameters))
        #expect(!validator.isValid("FAIL", url: url, parameters: parameters))
        #expect(!validator.isValid(good, url: url + "&extra=1", parameters: parameters))
        #expect(!validator.isValid(good, url: url, parameters: parameters.dropLast()))
        #expect(!validator.isValid(good, url: url, parameters: parameters + [("Digits", "9")]))
        #expect(!TwilioSignature(authToken: "54321").isValid(good, url: url, parameters: parameters))
        #expect(!validator.isValid(good + "A", url: url, parameters: parameters))
    }

    @Test func constantTimeEqual() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "ab"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
        #expect(ConstantTime.equal("", ""))
    }
}
