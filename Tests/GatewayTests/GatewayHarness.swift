import AsyncHTTPClient
import Foundation
import Gateway
import Hummingbird
import Scenario
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Twilio

/// Runs a real gateway on a free loopback port for one test, then shuts it down.
struct GatewayHarness {
    let baseURL: String
    let port: Int
    let server: GatewayServer
    let http: HTTPClient

    /// Starts a gateway with `variables` over a fake-credential default set, runs `body`, and stops it.
    static func with<T: Sendable>(_ variables: [String: String] = [:], _ body: (GatewayHarness) async throws -> T) async throws -> T {
        let port = try LoopbackPort.free()
        var env = [
            "TWILIO_ACCOUNT_SID": "ACtest00000000000000000000000000", "TWILIO_AUTH_TOKEN": twilioAuthToken,
            "PHONE_NUMBER_FROM": "+15005550006", "OPENAI_API_KEY": "sk-test-fake",
            "PUBLIC_BASE_URL": "http://127.0.0.1:\(port)", "HOST": "127.0.0.1", "PORT": "\(port)",
            "TWILIO_API_BASE_URL": "http://127.0.0.1:9", "TWILIO_TIMEOUT_SECONDS": "2",
            // Tests never reach for the internet: the model endpoint is a closed loopback port unless a test sets one.
            "OPENAI_REALTIME_URL": "ws://127.0.0.1:9/v1/realtime",
            // Each gateway keeps its call records in a folder of its own, removed afterwards.
            "DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("anpi-gateway-test-\(UUID().uuidString)").path,
        ]
        env.merge(variables) { $1 }
        let configuration = try GatewayConfiguration(variables: env)
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .warning
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let server = GatewayServer(configuration: configuration, httpClient: http, logger: logger)
        let ready = AsyncStream<Int>.makeStream()
        let app = server.makeApplication { port in ready.continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        let dialling = Task { await server.campaigns.run() }
        var iterator = ready.stream.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw HarnessError.didNotStart }
        let harness = GatewayHarness(baseURL: "http://127.0.0.1:\(bound)", port: bound, server: server, http: http)
        do {
            let result = try await body(harness)
            dialling.cancel()
            await dialling.value
            await group.triggerGracefulShutdown()
            try await running.value
            await server.close()
            try await http.shutdown()
            return result
        } catch {
            dialling.cancel()
            await dialling.value
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await server.close()
            try? await http.shutdown()
            throw error
        }
    }

    /// The auth token every harness gateway is configured with (fake).
    static let twilioAuthToken = "test-auth-token"

    /// Sends a request and returns (status, body text).
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
              headers: [(String, String)] = []) async throws -> (Int, String) {
        let (status, _, text) = try await sendWithHeaders(method, path, body: body, contentType: contentType, headers: headers)
        return (status, text)
    }

    /// Sends a request as Twilio does: a form body (for POST) and `X-Twilio-Signature` over the public URL.
    func sendSigned(_ method: HTTPMethod, _ path: String, form: [(String, String)] = [], authToken: String = twilioAuthToken) async throws -> (Int, String) {
        let signer = TwilioSignature(authToken: authToken)
        if method == .GET {
            let query = form.isEmpty ? "" : "?" + FormEncoding.encode(form)
            return try await send(.GET, path + query, headers: [(TwilioSignature.header, signer.sign(url: baseURL + path + query))])
        }
        return try await send(method, path, body: FormEncoding.encode(form), contentType: "application/x-www-form-urlencoded",
                              headers: [(TwilioSignature.header, signer.sign(url: baseURL + path, parameters: form))])
    }

    /// Sends a request and returns (status, headers, body text).
    func sendWithHeaders(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
                         headers: [(String, String)] = []) async throws -> (Int, HTTPHeaders, String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, buffer.readString(length: buffer.readableBytes) ?? "")
    }

    /// The JSON object of a body.
    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    enum HarnessError: Error { case didNotStart }
}
