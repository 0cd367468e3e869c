import Foundation
import Gateway
import Testing

@Suite struct GatewayConfigurationTests {
    static let required = [
        "TWILIO_ACCOUNT_SID": "ACtest00000000000000000000000000", "TWILIO_AUTH_TOKEN": "test-auth-token",
        "PHONE_NUMBER_FROM": "+15005550006", "OPENAI_API_KEY": "sk-test-fake", "DOMAIN": "gw.example.test",
    ]

    @Test func defaultsMatchTheDesign() throws {
        let c = try GatewayConfiguration(variables: Self.required)
        #expect(c.port == 8080 && c.host == "0.0.0.0")
        #expect(c.publicBaseURL == "https://gw.example.test")
        #expect(c.mediaStreamURL == "wss://gw.example.test/media-stream")
        #expect(c.statusCallbackURL == "https://gw.example.test/call-status")
        #expect(c.openAIRealtimeURL == "wss://api.openai.com/v1/realtime" && c.openAIRealtimeModel == "gpt-realtime")
        #expect(c.twilioAPIBaseURL == "https://api.twilio.com" && c.audioFormat == .pcmu)
    }

    @Test(arguments: ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PHONE_NUMBER_FROM", "OPENAI_API_KEY"])
    func eachRequiredVariableIsNamed(_ name: String) {
        var env = Self.required
        env[name] = nil
        #expect(throws: ConfigurationError("\(name) is not set")) { try GatewayConfiguration(variables: env) }
        env[name] = "  "
        #expect(throws: ConfigurationError("\(name) is not set")) { try GatewayConfiguration(variables: env) }
    }

    @Test func domainOrPublicBaseURL() throws {
        var env = Self.required
        env["DOMAIN"] = nil
        #expect(throws: ConfigurationError("DOMAIN is not set (or set PUBLIC_BASE_URL)")) { try GatewayConfiguration(variables: env) }
        env["PUBLIC_BASE_URL"] = "http://127.0.0.1:9000/"
        let c = try GatewayConfiguration(variables: env)
        #expect(c.mediaStreamURL == "ws://127.0.0.1:9000/media-stream" && c.statusCallbackURL == "http://127.0.0.1:9000/call-status")
        env["DOMAIN"] = "https://ignored.example/"
        #expect(try GatewayConfiguration(variables: env).publicBaseURL == "http://127.0.0.1:9000/")
        env["PUBLIC_BASE_URL"] = nil
        #expect(try GatewayConfiguration(variables: env).mediaStreamURL == "wss://ignored.example/media-stream")
        env["PUBLIC_BASE_URL"] = "ftp://x"
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration(variables: env) }
    }

    @Test func badValuesAreExplained() {
        for (name, value) in [("PORT", "http"), ("PORT", "70000"), ("REALTIME_AUDIO_FORMAT", "mp3"), ("MACHINE_DETECTION", "maybe"), ("TWILIO_TIMEOUT_SECONDS", "0"), ("LOG_LEVEL", "verbose"), ("API_AUTH_TOKEN", "short"), ("DRAIN_TIMEOUT_SECONDS", "-1"), ("ALLOWED_DESTINATIONS", "81")] {
            var env = Self.required
            env[name] = value
            #expect {
                try GatewayConfiguration(variables: env)
            } throws: { error in
                (error as? ConfigurationError)?.message.hasPrefix(name) == true
            }
        }
    }

    @Test func secretsStayOutOfTheDescription() throws {
        let c = try GatewayConfiguration(variables: Self.required)
        #expect(!c.description.contains("test-auth-token") && !c.description.contains("sk-test-fake"))
        #expect(!c.description.contains("ACtest00000000000000000000000000"))
    }

    @Test func dotEnvIsReadAndTheEnvironmentWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".env").path
        try """
            # comment
            export TWILIO_ACCOUNT_SID=ACfromfile
            TWILIO_AUTH_TOKEN='single # quoted'
            PHONE_NUMBER_FROM="+15005550006"
            OPENAI_API_KEY=sk-file-fake # trailing comment
            DOMAIN=file.example.test
            PORT=9999
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let c = try GatewayConfiguration.load(environment: ["PORT": "7777"], dotEnvPath: path)
        #expect(c.twilioAccountSID == "ACfromfile" && c.twilioAuthToken == "single # quoted" && c.openAIAPIKey == "sk-file-fake")
        #expect(c.port == 7777)
        #expect(throws: ConfigurationError("TWILIO_ACCOUNT_SID is not set")) { try GatewayConfiguration.load(environment: [:], dotEnvPath: dir.appendingPathComponent("none").path) }
    }

    @Test func dotEnvParser() {
        let parsed = DotEnv.parse("A=1\n\nB = two words \nC=\"x\\ny\"\nnot a line\n=nokey\nD=e=f\n")
        #expect(parsed.map(\.key) == ["A", "B", "C", "D"])
        #expect(parsed.map(\.value) == ["1", "two words", "x\ny", "e=f"])
    }
}

@Suite struct BridgeConfigurationTests {
    @Test func bridgeDefaults() throws {
        let c = try GatewayConfiguration(variables: GatewayConfigurationTests.required)
        #expect(c.instructions == SafetyScript.instructions)
        #expect(c.greetingWaitMilliseconds == 1500 && c.maxCallSeconds == 3000 && c.bargeInMarginMilliseconds == 20)
        #expect(c.resultWebhookURL == nil && c.apologyMessage == SafetyScript.apology)
    }

    @Test func instructionsFileReplacesTheScript() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-instructions-\(UUID().uuidString).txt").path
        try "テスト用の指示".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var env = GatewayConfigurationTests.required
        env["INSTRUCTIONS_FILE"] = path
        #expect(try GatewayConfiguration(variables: env).instructions == "テスト用の指示")
        env["INSTRUCTIONS_FILE"] = path + ".missing"
        #expect(throws: ConfigurationError("INSTRUCTIONS_FILE '\(path).missing' cannot be read as UTF-8 text")) { try GatewayConfiguration(variables: env) }
    }

    @Test(arguments: [("GREETING_WAIT_MS", "-1"), ("MAX_CALL_SECONDS", "4000"), ("RESULT_WEBHOOK_URL", "ftp://x"), ("BARGE_IN_MARGIN_MS", "x")])
    func badBridgeSettingsAreNamed(name: String, value: String) {
        var env = GatewayConfigurationTests.required
        env[name] = value
        #expect {
            try GatewayConfiguration(variables: env)
        } throws: { error in
            "\(error)".contains(name)
        }
    }
}
