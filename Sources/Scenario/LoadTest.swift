import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Realtime
import Simulators

/// `anpi-call loadtest`: N simulated callees against a gateway — started here as a separate process,
/// or one already running — with the simulated Realtime server echoing each burst. Every call is
/// placed through `POST /outbound-call`; the simulated Twilio API answers it with a ``LoadCallee``.
public struct LoadTest: Sendable {
    public struct Options: Sendable {
        public var calls = 100
        /// How long every call is live at once, after the ramp.
        public var seconds = 30.0
        public var format: RealtimeAudioFormat = .pcmu
        /// Calls are placed evenly over this many seconds.
        public var ramp = 5.0
        /// A running gateway (its Twilio and Realtime URLs must point at this run's simulators).
        public var target: String?
        public var gatewayPID: Int32?
        public var twilioPort = 0
        public var realtimePort = 0
        /// The `anpi-call` binary to start the gateway with.
        public var executable = "/proc/self/exe"
        public var burstMilliseconds = 200
        public var burstEveryMilliseconds = 2000

        public init() {}
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// Runs the test; `progress` gets a line about once a second, `say` the set-up steps.
    public func run(progress: @escaping @Sendable (String) -> Void, say: @escaping @Sendable (String) -> Void) async throws -> LoadTestResult {
        var model = RealtimeSimulator.Configuration(script: .echo)
        model.port = options.realtimePort
        model.speed = 8
        let realtime = RealtimeSimulator(configuration: model)
        let realtimeURL = try await realtime.start()
        let callees = LoadResults()
        let clock = ContinuousClock()
        let endAt = clock.now + .seconds(options.ramp + options.seconds + 2)
        var twilioConfig = TwilioAPISimulator.Configuration()
        twilioConfig.port = options.twilioPort
        twilioConfig.verifiedCallerIDs = ["+819000000001"]
        twilioConfig.maxLiveCalls = options.calls + 10
        twilioConfig.callDuration = nil
        var settings = LoadCallee.Settings()
        settings.burstMilliseconds = options.burstMilliseconds
        settings.burstEveryMilliseconds = options.burstEveryMilliseconds
        // Raw round trips; the simulated model's own delay, as it reports it, is subtracted at the end.
        settings.modelDelayMilliseconds = 0
        let base = settings
        let count = options.calls
        let twilio = TwilioAPISimulator(configuration: twilioConfig, dialer: { call in
            var s = base
            let index = await callees.register()
            s.offsetMilliseconds = (index * base.burstEveryMilliseconds / max(1, count)) / 20 * 20
            s.seconds = max(1, Double((endAt - ContinuousClock.now) / .milliseconds(1)) / 1000)
            await callees.add(await LoadCallee(settings: s).run(call: call))
        })
        let twilioURL = try await twilio.start()
        var gateway: Process?
        defer { gateway?.terminate() }
        // The child gateway's call records, removed at the end.
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-loadtest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let target: String
        var pid = options.gatewayPID
        if let t = options.target {
            target = t
            say("using the gateway at \(t); it must have TWILIO_API_BASE_URL=\(twilioURL), TWILIO_ACCOUNT_SID=\(twilioConfig.accountSID), TWILIO_AUTH_TOKEN=\(twilioConfig.authToken), OPENAI_REALTIME_URL=\(realtimeURL), REALTIME_AUDIO_FORMAT=\(options.format.rawValue), and limits above the load (CALLS_PER_MINUTE, CALLS_PER_MINUTE_PER_DESTINATION, MAX_CONCURRENT_CALLS, API_REQUESTS_PER_MINUTE); API_AUTH_TOKEN from this environment is sent as the bearer token")
        } else {
            let port = try LoopbackPort.free()
            target = "http://127.0.0.1:\(port)"
            let process = Process()
            // The real path (not /proc/self/exe), so the child shows as `…/anpi-call serve` in ps and pgrep.
            process.executableURL = URL(fileURLWithPath: options.executable).resolvingSymlinksInPath()
            process.arguments = ["serve"]
            var env = ProcessInfo.processInfo.environment
            for (k, v) in [
                "TWILIO_ACCOUNT_SID": twilioConfig.accountSID, "TWILIO_AUTH_TOKEN": twilioConfig.authToken,
                "PHONE_NUMBER_FROM": "+15005550006", "OPENAI_API_KEY": "sk-simulated-not-a-real-key",
                "PUBLIC_BASE_URL": target, "HOST": "127.0.0.1", "PORT": "\(port)", "TWILIO_API_BASE_URL": twilioURL,
                "OPENAI_REALTIME_URL": realtimeURL, "REALTIME_AUDIO_FORMAT": options.format.rawValue,
                "GREETING_WAIT_MS": "30000", "LOG_LEVEL": "warning",
                // The load test measures the relay: its calls (all to one simulated number) must not hit the abuse limits.
                "ALLOWED_DESTINATIONS": "+81", "MAX_CONCURRENT_CALLS": "100000", "CALLS_PER_MINUTE": "1000000",
                "CALLS_PER_MINUTE_PER_DESTINATION": "10000", "API_REQUESTS_PER_MINUTE": "10000000",
                "DATA_DIR": dataDirectory,
            ] { env[k] = v }
            process.environment = env
            process.currentDirectoryURL = FileManager.default.temporaryDirectory
            try process.run()
            gateway = process
            pid = process.processIdentifier
            say("started the gateway (pid \(process.processIdentifier)) at \(target), \(options.format.rawValue), model echo at \(realtimeURL)")
        }
        let http = HTTPClient.shared
        try await waitForGateway(target, http: http)
        try await Task.sleep(for: .milliseconds(500))
        let idle = pid.flatMap { ProcessStats.read(pid: $0) }
        let idleFDs = pid.flatMap { ProcessStats.openFiles(pid: $0) }

        // Place the calls evenly over the ramp.
        let started = clock.now
        let placing = Task {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<options.calls {
                    let due = started + .seconds(options.ramp * Double(i) / Double(max(1, options.calls)))
                    try? await clock.sleep(until: due)
                    group.addTask { await callees.placed(await self.place(target, http: http)) }
                }
            }
        }
        // Sample the gateway while every call is live.
        let windowStart = started + .seconds(options.ramp + 1)
        let windowEnd = started + .seconds(options.ramp + max(1, options.seconds - 1))
        var first: (ProcessStats?, ProcessStats?, ContinuousClock.Instant)?
        var peak = idle?.rssKiB ?? 0
        var last: (ProcessStats?, ProcessStats?, ContinuousClock.Instant)?
        while clock.now < endAt {
            try await clock.sleep(until: min(endAt, clock.now + .seconds(1)))
            let g = pid.flatMap { ProcessStats.read(pid: $0) }
            let me = ProcessStats.read()
            if let g { peak = max(peak, g.rssKiB) }
            let now = clock.now
            if now >= windowStart, first == nil { first = (g, me, now) }
            if now <= windowEnd { last = (g, me, now) }
            let status = await callees.status
            progress(String(format: "%5.0f s  calls placed %d/%d, live %d, ended %d  gateway RSS %.1f MiB",
                            Double((now - started) / .milliseconds(1)) / 1000, status.placed, options.calls, status.live, status.ended,
                            Double(g?.rssKiB ?? 0) / 1024))
        }
        await placing.value
        await callees.waitForAll(options.calls, timeout: .seconds(15))
        // The model answers once it has heard the burst and 500 ms of silence; the decision arrives in the
        // frame that was sent 20 ms before its end. Its delay differs by a VAD window at each edge of a
        // burst that went through the resampler (pcm24k), so it is taken from the simulator, not assumed.
        let delays = await realtime.sessions().flatMap(\.echoDelays).sorted()
        let modelDelay = Double(delays.isEmpty ? options.burstMilliseconds + 500 : delays[delays.count / 2]) - 20
        var result = await callees.summary(calls: options.calls, seconds: options.seconds, format: options.format.rawValue, modelDelay: modelDelay)
        if let (g0, m0, t0) = first, let (g1, m1, t1) = last, t1 > t0 {
            let seconds = Double((t1 - t0) / .milliseconds(1)) / 1000
            result.windowSeconds = seconds
            if let g0, let g1 { result.gatewayCPUPercent = ProcessStats.cpuPercent(from: g0, to: g1, seconds: seconds) }
            if let m0, let m1 { result.loadGeneratorCPUPercent = ProcessStats.cpuPercent(from: m0, to: m1, seconds: seconds) }
        }
        if let idle {
            result.gatewayIdleRSSKiB = idle.rssKiB
            result.gatewayPeakRSSKiB = peak
        }
        if let pid {
            // Every call has ended: the gateway should be back to its idle descriptors.
            try? await Task.sleep(for: .seconds(2))
            result.gatewayIdleFDs = idleFDs
            result.gatewayFDsAfter = ProcessStats.openFiles(pid: pid)
        }
        gateway?.terminate()
        gateway?.waitUntilExit()
        gateway = nil
        await twilio.stop()
        await realtime.stop()
        return result
    }

    private func waitForGateway(_ target: String, http: HTTPClient) async throws {
        for _ in 0..<100 {
            if let r = try? await http.execute(HTTPClientRequest(url: target + "/"), timeout: .seconds(1)), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ScenarioError.gatewayDidNotStart
    }

    /// Places one call; returns an error message or nil.
    private func place(_ target: String, http: HTTPClient) async -> String? {
        var request = HTTPClientRequest(url: target + "/outbound-call")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token = ProcessInfo.processInfo.environment["API_AUTH_TOKEN"], !token.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer " + token)
        }
        request.body = .bytes(ByteBuffer(string: #"{"to_number":"+819000000001","message":"load test","user_id":"load"}"#))
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            var body = try await response.body.collect(upTo: 1 << 16)
            return response.status == .ok ? nil : "POST /outbound-call \(response.status.code): \(body.readString(length: body.readableBytes) ?? "")"
        } catch {
            return "POST /outbound-call: \(error)"
        }
    }
}

/// The callees' results as their calls end.
actor LoadResults {
    private var results: [LoadCallee.Result] = []
    private var registered = 0
    private var placedCount = 0
    private var placeErrors: [String] = []
    private var waiters: [CheckedContinuation<Void, Never>] = []

    var status: (placed: Int, live: Int, ended: Int) { (placedCount, registered - results.count, results.count) }

    func register() -> Int {
        registered += 1
        return registered - 1
    }

    func placed(_ error: String?) {
        placedCount += 1
        if let error { placeErrors.append(error) }
        wake()
    }

    func add(_ r: LoadCallee.Result) {
        results.append(r)
        wake()
    }

    private func wake() {
        for w in waiters { w.resume() }
        waiters.removeAll()
    }

    /// Waits until every placed call has ended (or failed to be placed), at most `timeout`.
    func waitForAll(_ calls: Int, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while results.count + placeErrors.count < calls, ContinuousClock.now < deadline {
            let wait = Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(200))
                await self?.wakeAll()
            }
            await withCheckedContinuation { waiters.append($0) }
            wait.cancel()
        }
    }

    private func wakeAll() { wake() }

    func summary(calls: Int, seconds: Double, format: String, modelDelay: Double) -> LoadTestResult {
        var r = LoadTestResult(calls: calls, connected: results.filter { $0.framesSent > 0 }.count, seconds: seconds, format: format)
        r.modelDelayMilliseconds = modelDelay
        var latencies: [Double] = []
        for c in results {
            r.framesIn += c.framesSent
            r.framesOut += c.framesReceived
            r.bursts += c.bursts
            r.echoes += c.addedLatencies.count
            r.lostFrames += c.lostFrames
            r.gaps += c.gaps
            latencies += c.addedLatencies.map { $0 - modelDelay }
            if let e = c.error { r.errors.append(e) }
        }
        r.errors += placeErrors
        latencies.sort()
        r.p50 = LoadTestResult.percentile(latencies, 0.5)
        r.p99 = LoadTestResult.percentile(latencies, 0.99)
        r.max = latencies.last ?? 0
        return r
    }
}
