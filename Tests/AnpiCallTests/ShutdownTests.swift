import AsyncHTTPClient
import Foundation
import NIOCore
import Scenario
import Simulators
import Synchronization
import Testing

/// Issue 6, points 1 and 5 through the real binary: `serve` refuses an open address without an API
/// token, and SIGTERM drains — no new calls (503), the call in progress ended politely after
/// DRAIN_TIMEOUT_SECONDS with the shutdown message, exit status 0.
@Suite struct ShutdownTests {
    static let required = [
        "TWILIO_ACCOUNT_SID": "ACsimulated00000000000000000000000", "TWILIO_AUTH_TOKEN": "simulated-auth-token",
        "PHONE_NUMBER_FROM": "+15005550006", "OPENAI_API_KEY": "sk-test-fake", "PUBLIC_BASE_URL": "http://127.0.0.1:9",
    ]

    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        let owned: Set<String> = ["HOST", "PORT", "DATA_DIR", "RECORDINGS_DIR", "DATABASE_URL", "PUBLIC_BASE_URL", "DOMAIN", "ALLOWED_DESTINATIONS"]
        for key in env.keys where key.hasPrefix("TWILIO_") || key.hasPrefix("OPENAI_") || key.hasPrefix("API_") || owned.contains(key) {
            env[key] = nil
        }
        return env.merging(required) { $1 }.merging(extra) { $1 }
    }

    static func run(_ arguments: [String], environment extra: [String: String]) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, in: FileManager.default.temporaryDirectory, environment: environment(extra))
    }

    @Test func anOpenAddressNeedsAnAPIToken() throws {
        for arguments in [["serve"], ["--server-only"], ["call", "+819012345678"]] {
            let refused = try Self.run(arguments, environment: ["HOST": "0.0.0.0", "PORT": "0"])
            #expect(refused.status == 2, "\(arguments)")
            #expect(refused.stderr.contains("refusing to serve on 0.0.0.0 without API_AUTH_TOKEN"), "\(refused.stderr)")
        }
        // --insecure-no-auth gets past the check: this address is not on the machine, so binding fails next (exit 1).
        let insecure = try Self.run(["serve", "--insecure-no-auth"], environment: ["HOST": "192.0.2.1", "PORT": "0", "LOG_LEVEL": "warning"])
        #expect(insecure.status == 1 && !insecure.stderr.contains("refusing"), "\(insecure.stderr)")
        #expect(insecure.stderr.contains("API_AUTH_TOKEN is not set"))
    }

    @Test func anUnusableStoreStopsStartUp() throws {
        let result = try Self.run(["serve"], environment: ["HOST": "127.0.0.1", "PORT": "0", "DATA_DIR": "/proc/anpi-call-not-writable"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("set DATA_DIR to a writable folder"), "\(result.stderr)")
        let malformed = try Self.run(["serve"], environment: ["HOST": "127.0.0.1", "PORT": "0", "DATABASE_URL": "postgres://localhost/anpi"])
        #expect(malformed.status == 2 && malformed.stderr.contains("DATABASE_URL has no user name"), "\(malformed.stderr)")
        // Nothing listens on this port: start-up stops at once with what to check, not at the first call.
        let down = try Self.run(["serve"], environment: ["HOST": "127.0.0.1", "PORT": "0",
                                                         "DATABASE_URL": "postgres://anpi:fake-password@127.0.0.1:\(try LoopbackPort.free())/anpi"])
        #expect(down.status == 2 && down.stderr.contains("check DATABASE_URL and that the server is up") && !down.stderr.contains("fake-password"),
                "\(down.stderr)")
    }

    @Test(.timeLimit(.minutes(2))) func sigtermDrainsThenEndsTheCallPolitely() async throws {
        let model = RealtimeSimulator(configuration: .init(script: .echo))
        let realtimeURL = try await model.start()
        var twilioConfig = TwilioAPISimulator.Configuration()
        twilioConfig.verifiedCallerIDs = ["+819012345678"]
        twilioConfig.callDuration = nil
        var settings = LoadCallee.Settings()
        settings.seconds = 60
        let callee = settings
        let twilio = TwilioAPISimulator(configuration: twilioConfig, dialer: { call in _ = await LoadCallee(settings: callee).run(call: call) })
        let twilioURL = try await twilio.start()
        defer { Task { await twilio.stop(); await model.stop() } }

        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-shutdown-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let gateway = Process()
        gateway.executableURL = CommandRunner.executable
        gateway.arguments = ["serve"]
        gateway.currentDirectoryURL = FileManager.default.temporaryDirectory
        gateway.environment = Self.environment([
            "HOST": "127.0.0.1", "PORT": "\(port)", "PUBLIC_BASE_URL": base, "TWILIO_API_BASE_URL": twilioURL,
            "OPENAI_REALTIME_URL": realtimeURL, "DATA_DIR": dataDirectory, "DRAIN_TIMEOUT_SECONDS": "2", "GREETING_WAIT_MS": "30000", "LOG_LEVEL": "info",
        ])
        let stderr = Pipe()
        gateway.standardError = stderr
        gateway.standardOutput = FileHandle.nullDevice
        let log = LineWatcher(stderr.fileHandleForReading)
        try gateway.run()
        defer { if gateway.isRunning { gateway.terminate() } }

        try await log.wait(for: "listening on")
        let http = HTTPClient.shared
        let placed = try await Self.post(http, base)
        #expect(placed.status == 200, "\(placed.body)")
        await model.waitForSessions(1)

        kill(gateway.processIdentifier, SIGTERM)
        try await log.wait(for: "draining: no new calls; 1 call(s) in progress")
        let refused = try await Self.post(http, base)
        #expect(refused.status == 503 && refused.retryAfter == "30")
        #expect(refused.body.contains("shutting down"))
        try await log.wait(for: "drain timeout: ended 1 call(s) with the shutdown message")

        let status = await Task.detached { gateway.waitUntilExit(); return gateway.terminationStatus }.value
        #expect(status == 0, "\(log.text)")
        let call = try #require(await twilio.calls().first)
        #expect(call.twimlHistory.contains { $0.contains("<Say") && $0.contains("システムの保守のため") })
        #expect(await model.sessions().count == 1)
    }

    static func post(_ http: HTTPClient, _ base: String) async throws -> (status: Int, body: String, retryAfter: String?) {
        var request = HTTPClientRequest(url: base + "/outbound-call")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"to_number": "+819012345678"}"#))
        let response = try await http.execute(request, timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), body.readString(length: body.readableBytes) ?? "", response.headers.first(name: "Retry-After"))
    }
}

/// Reads a child's standard error as it comes and lets a test wait for a line.
final class LineWatcher: Sendable {
    private struct Waiter {
        var id: Int
        var needle: String
        var continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(text: String, waiters: [Waiter], nextID: Int)>(("", [], 0))

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] h in
            let data = h.availableData
            if data.isEmpty { h.readabilityHandler = nil }
            self?.received(data)
        }
    }

    private func received(_ data: Data) {
        let ready: [Waiter] = state.withLock { state in
            state.text += String(decoding: data, as: UTF8.self)
            let text = state.text
            // At the end of the output, release everyone: their check then fails.
            let ready = state.waiters.filter { data.isEmpty || text.contains($0.needle) }
            state.waiters.removeAll { w in ready.contains { $0.id == w.id } }
            return ready
        }
        for w in ready { w.continuation.resume() }
    }

    private func expire(_ id: Int) {
        let waiter: Waiter? = state.withLock { state in
            guard let i = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: i)
        }
        waiter?.continuation.resume()
    }

    var text: String { state.withLock { $0.text } }

    /// Returns once `needle` has been written; fails the test if it is not within `timeout` or the output ends first.
    func wait(for needle: String, timeout: Duration = .seconds(30)) async throws {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let id: Int? = state.withLock { state in
                if state.text.contains(needle) { return nil }
                state.nextID += 1
                state.waiters.append(Waiter(id: state.nextID, needle: needle, continuation: c))
                return state.nextID
            }
            guard let id else { return c.resume() }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.expire(id)
            }
        }
        try #require(text.contains(needle), "never logged: \(needle)\n\(text)")
    }
}
