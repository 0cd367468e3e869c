import AsyncHTTPClient
import Foundation
import Scenario
import Simulators
import Testing

/// The README's campaign walk-through through the real binaries: `anpi-call serve` against the
/// simulators, `anpi-call campaign start people.csv --wait`, `campaign status --json`, the status
/// page — two people answer and are talked with by the simulated model, one never answers.
@Suite struct CampaignCommandTests {
    static let token = "cli-campaign-token-0123456789"

    /// Runs the CLI off the cooperative pool (it blocks while the child runs).
    static func cli(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async { c.resume(with: Result { try CommandRunner.run(arguments, environment: ShutdownTests.environment([:]), timeoutSeconds: 150) }) }
        }
    }

    @Test(.timeLimit(.minutes(3))) func startWatchAndReadTheResults() async throws {
        let model = RealtimeSimulator(configuration: .init(script: .safetyConfirmation))
        let realtimeURL = try await model.start()
        var twilioConfig = TwilioAPISimulator.Configuration()
        let people = ["+819012340001", "+819012340002", "+819012340003"]
        twilioConfig.verifiedCallerIDs = Set(people)
        twilioConfig.ringDuration = .milliseconds(100)
        twilioConfig.unanswered[people[2]] = [.noAnswer, .noAnswer]
        let twilio = TwilioAPISimulator(configuration: twilioConfig, dialer: { call in _ = await SimulatedCallee().run(call: call) })
        let twilioURL = try await twilio.start()
        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-cli-campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gateway = Process()
        gateway.executableURL = CommandRunner.executable
        gateway.arguments = ["serve"]
        gateway.currentDirectoryURL = folder
        gateway.environment = ShutdownTests.environment([
            "HOST": "127.0.0.1", "PORT": "\(port)", "PUBLIC_BASE_URL": base, "TWILIO_API_BASE_URL": twilioURL, "OPENAI_REALTIME_URL": realtimeURL,
            "API_AUTH_TOKEN": Self.token, "DATA_DIR": folder.appendingPathComponent("data").path, "LOG_LEVEL": "info",
        ])
        let stderr = Pipe()
        gateway.standardError = stderr
        gateway.standardOutput = FileHandle.nullDevice
        let log = LineWatcher(stderr.fileHandleForReading)
        try gateway.run()
        defer {
            if gateway.isRunning { gateway.terminate() }
            Task { await twilio.stop(); await model.stop() }
        }
        try await log.wait(for: "listening on")

        let csv = folder.appendingPathComponent("people.csv")
        try "to_number,user_id,message\n\(people[0]),tanaka,地震の安否確認です\n\(people[1]),suzuki,\n\(people[2]),sato,\n".write(to: csv, atomically: true, encoding: .utf8)
        let started = try await Self.cli(["campaign", "start", csv.path, "--url", base, "--token", Self.token, "--name", "test",
                                          "--max-attempts", "2", "--retry-delay", "0", "--calls-per-second", "5", "--wait"])
        #expect(started.status == 0, "\(started.stderr)")
        let id = try #require(started.stdout.split(separator: "\n").first.map(String.init))
        #expect(id.hasPrefix("k_"))
        #expect(started.stderr.contains("campaign \(id) started: 3 people") && started.stderr.contains("finished: 3/3 done"))
        let rows = started.stdout.split(separator: "\n").filter { $0.contains("+8190123400") }
        #expect(rows.count == 3)
        #expect(rows.first { $0.contains("tanaka") }?.contains("completed") == true && rows.first { $0.contains("tanaka") }?.contains("safe") == true)
        #expect(rows.first { $0.contains("sato") }?.contains("no-answer") == true)

        let status = try await Self.cli(["campaign", "status", id, "--url", base, "--token", Self.token, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let counts = try #require(json["counts"] as? [String: Any])
        #expect(counts["by_outcome"] as? [String: Int] == ["completed": 2, "no-answer": 1])
        #expect(counts["by_safety"] as? [String: Int] == ["safe": 2])
        #expect(await twilio.calls().filter { $0.to == people[2] }.count == 2)

        let noToken = try await Self.cli(["campaign", "status", id, "--url", base])
        #expect(noToken.status == 1 && noToken.stderr.contains("401") && noToken.stderr.contains("API_AUTH_TOKEN"))
        let nowhere = try await Self.cli(["campaign", "status", id, "--url", "http://127.0.0.1:9"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("cannot reach the gateway"))

        var page = HTTPClientRequest(url: base + "/dashboard")
        page.headers.add(name: "Authorization", value: "Bearer " + Self.token)
        let response = try await HTTPClient.shared.execute(page, timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 20)
        let html = body.readString(length: body.readableBytes) ?? ""
        #expect(html.contains("safe 2") && html.contains("test"))
    }
}
