import AsyncHTTPClient
import Foundation
import NIOHTTP1
import NIOCore
import Scenario
import Simulators
import Testing

/// Issue 7: a gateway killed (SIGKILL) in the middle of a campaign loses no call record, and the
/// gateway started in its place on the same store finishes the campaign without dialling anyone twice.
@Suite struct CrashRecoveryTests {
    static let token = "crash-recovery-token-0123456789"
    static func number(_ i: Int) -> String { "+8190000002" + (i < 10 ? "0\(i)" : "\(i)") }

    /// A gateway process on `port` whose store is SQLite in `folder`, or `environment`'s `DATABASE_URL`;
    /// `environment` may also set where Twilio's callbacks go (`PUBLIC_BASE_URL`).
    static func startGateway(port: Int, folder: URL, twilioURL: String, environment extra: [String: String] = [:]) throws -> (Process, LineWatcher) {
        let gateway = Process()
        gateway.executableURL = CommandRunner.executable
        gateway.arguments = ["serve"]
        gateway.currentDirectoryURL = folder
        gateway.environment = ShutdownTests.environment([
            "HOST": "127.0.0.1", "PORT": "\(port)", "PUBLIC_BASE_URL": "http://127.0.0.1:\(port)", "TWILIO_API_BASE_URL": twilioURL,
            "API_AUTH_TOKEN": token, "DATA_DIR": folder.appendingPathComponent("data").path, "CAMPAIGN_CLAIM_LEASE_SECONDS": "2",
            "CALLS_PER_MINUTE_PER_DESTINATION": "100", "CALLS_PER_MINUTE": "10000", "LOG_LEVEL": "info",
        ].merging(extra) { $1 })
        let stderr = Pipe()
        gateway.standardError = stderr
        gateway.standardOutput = FileHandle.nullDevice
        let log = LineWatcher(stderr.fileHandleForReading)
        try gateway.run()
        return (gateway, log)
    }

    static func request(_ method: HTTPMethod, _ url: String, body: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        if let body {
            request.headers.add(name: "Content-Type", value: "text/csv")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        var buffer = try await response.body.collect(upTo: 8 << 20)
        return (try? JSONSerialization.jsonObject(with: Data((buffer.readString(length: buffer.readableBytes) ?? "").utf8))) as? [String: Any] ?? [:]
    }

    @Test(.timeLimit(.minutes(2))) func aKilledGatewayLosesNoCallAndDialsNoOneTwice() async throws {
        var config = TwilioAPISimulator.Configuration()
        config.verifiedCallerIDs = Set((0..<20).map(Self.number))
        config.ringDuration = .milliseconds(100)
        config.callDuration = .seconds(3)
        for i in stride(from: 0, to: 20, by: 4) { config.unanswered[Self.number(i)] = [.noAnswer] }
        let twilio = TwilioAPISimulator(configuration: config)
        let twilioURL = try await twilio.start()
        defer { Task { await twilio.stop() } }
        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var (first, firstLog) = try Self.startGateway(port: port, folder: folder, twilioURL: twilioURL)
        defer { if first.isRunning { first.terminate() } }
        try await firstLog.wait(for: "listening on")
        let csv = "to_number,user_id\n" + (0..<20).map { "\(Self.number($0)),u\($0)" }.joined(separator: "\n") + "\n"
        let created = try await Self.request(.POST, base + "/campaigns?calls_per_second=8&max_concurrent=12&max_attempts=2&retry_delay_seconds=0", body: csv)
        let id = try #require(created["campaign_id"] as? String)

        // Kill it in the middle: some calls placed, some ringing, some not yet dialled.
        try await firstLog.wait(for: "call placed")
        try await Task.sleep(for: .milliseconds(700))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let placedBefore = await twilio.calls().count
        #expect(placedBefore > 0 && placedBefore < 25)

        let (second, secondLog) = try Self.startGateway(port: port, folder: folder, twilioURL: twilioURL)
        defer { if second.isRunning { second.terminate() } }
        try await secondLog.wait(for: "listening on")
        first = second
        var campaign: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            campaign = try await Self.request(.GET, base + "/campaigns/\(id)")
            if campaign["state"] as? String == "finished" { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(campaign["state"] as? String == "finished", "\(campaign["counts"] ?? "")")

        // No record lost: every call Twilio received is stored, under its CallSid.
        let calls = await twilio.calls()
        let stored = try await Self.request(.GET, base + "/calls?limit=1000")["calls"] as? [[String: Any]] ?? []
        let storedSIDs = Set(stored.compactMap { $0["call_sid"] as? String })
        for call in calls { #expect(storedSIDs.contains(call.sid), "\(call.to) \(call.sid) has no record") }
        // Nobody dialled twice for one attempt: answered numbers once, the unanswered-once twice.
        for i in 0..<20 {
            let dialled = calls.filter { $0.to == Self.number(i) }.count
            #expect(dialled == (i % 4 == 0 ? 2 : 1), "\(Self.number(i)) dialled \(dialled) times")
        }
        let targets = campaign["targets"] as? [[String: Any]] ?? []
        #expect(targets.count == 20 && targets.allSatisfy { $0["state"] as? String == "done" && $0["outcome"] as? String == "completed" })
    }
}
