import AsyncHTTPClient
import Foundation
import Logging
import Simulators
import Twilio

/// A real simulator on a free loopback port for one test, driven over HTTP, then shut down.
struct SimulatorHarness {
    static let accountSID = "ACtest00000000000000000000000000"
    static let authToken = "test-token"
    static let from = "+15005550006"
    static let verified = "+819012345678"
    static let otherVerified = "+819011112222"

    let simulator: TwilioAPISimulator
    let baseURL: String
    let http: HTTPClient

    var accountPath: String { "/2010-04-01/Accounts/\(Self.accountSID)" }

    /// An answer: status, headers and the body as text and as a JSON object.
    struct Reply {
        var status: Int
        var contentType: String?
        var headers: [(String, String)]
        var text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// Starts a simulator with the test account (changed by `configure`), runs `body`, and stops
    /// everything whether `body` succeeds or throws.
    static func with<T>(
        _ configure: (inout TwilioAPISimulator.Configuration) -> Void = { _ in },
        dialer: TwilioAPISimulator.Dialer? = nil,
        observer: (@Sendable (SimulatedCallEvent) -> Void)? = nil,
        _ body: (SimulatorHarness) async throws -> T
    ) async throws -> T {
        var configuration = TwilioAPISimulator.Configuration()
        configuration.accountSID = accountSID
        configuration.authToken = authToken
        configuration.verifiedCallerIDs = [verified, otherVerified]
        configuration.callDuration = .milliseconds(10)
        configure(&configuration)
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .warning
        let simulator = TwilioAPISimulator(configuration: configuration, logger: logger, dialer: dialer, observer: observer)
        let baseURL = try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let harness = SimulatorHarness(simulator: simulator, baseURL: baseURL, http: http)
        do {
            let result = try await body(harness)
            await simulator.stop()
            try await http.shutdown()
            return result
        } catch {
            await simulator.stop()
            try? await http.shutdown()
            throw error
        }
    }

    /// Sends a request with Basic auth (the test account's unless `credentials` says otherwise;
    /// nil sends none) and a form body when `form` is given.
    func send(_ method: String, _ path: String, form: [(String, String)]? = nil,
              credentials: (String, String)? = (accountSID, authToken), timeout: Int64 = 10) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let credentials {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(credentials.0):\(credentials.1)".utf8).base64EncodedString())
        }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(Array(FormEncoding.encode(form).utf8))
        }
        let response = try await http.execute(request, timeout: .seconds(timeout))
        var buffer = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                     headers: response.headers.map { ($0.name, $0.value) }, text: buffer.readString(length: buffer.readableBytes) ?? "")
    }

    /// `POST …/Calls.json` with To, From and a small `<Connect><Stream>` TwiML, plus `extra` fields.
    func createCall(to: String = verified, from: String = from, extra: [(String, String)] = []) async throws -> Reply {
        try await send("POST", "\(accountPath)/Calls.json", form: [("To", to), ("From", from), ("Twiml", Self.streamTwiML)] + extra)
    }

    /// `POST …/Calls/{sid}.json`.
    func updateCall(_ sid: String, _ form: [(String, String)]) async throws -> Reply {
        try await send("POST", "\(accountPath)/Calls/\(sid).json", form: form)
    }

    /// A REST client of our Twilio module pointed at the simulator.
    func restClient(timeout: Duration = .seconds(5), retries: Int = 2) -> TwilioRESTClient {
        var configuration = TwilioRESTClient.Configuration(baseURL: baseURL, accountSID: Self.accountSID, authToken: Self.authToken)
        configuration.requestTimeout = timeout
        configuration.retries = retries
        configuration.backoff = .milliseconds(5)
        return TwilioRESTClient(configuration: configuration, httpClient: http)
    }

    static let streamTwiML = TwiML.connectStream(url: "wss://gateway.example/media-stream", parameters: [(name: "callId", value: "c_1")])
}

/// Runs `operation`, failing with `SimulatorError.timedOut` if it takes longer than `timeout`.
func within<T: Sendable>(_ timeout: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw SimulatorError.timedOut(waitingFor: what) }
        return value
    }
}

/// The first element of `stream`, waiting at most `timeout`.
func first<T: Sendable>(of stream: AsyncStream<T>, within timeout: Duration = .seconds(10), _ what: String) async throws -> T {
    try await within(timeout, what) {
        for await element in stream { return element }
        throw SimulatorError.timedOut(waitingFor: what)
    }
}
