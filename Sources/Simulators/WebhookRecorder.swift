import Hummingbird
import Logging
import Twilio

/// A loopback HTTP server that records every request made to it: the receiving end for the
/// webhooks a simulator sends (status callbacks), for tests and demos.
///
/// ```swift
/// let receiver = WebhookRecorder()
/// let url = try await receiver.start() + "/call-status"
/// …
/// let four = try await receiver.next(4, within: .seconds(5))
/// await receiver.stop()
/// ```
public actor WebhookRecorder {
    /// One request received.
    public struct Webhook: Sendable, Equatable {
        /// `POST`, `GET`, ….
        public var method: String
        /// The path without the query.
        public var path: String
        /// The query string's fields.
        public var query: [FormField]
        /// The form body's fields (empty for other bodies).
        public var form: [FormField]
        /// The body as text (JSON webhooks).
        public var body: String = ""
    }

    /// Every webhook as it arrives (one consumer at a time).
    public nonisolated let webhooks: AsyncStream<Webhook>
    private let sink: AsyncStream<Webhook>.Continuation
    private let responseStatus: Int
    private let logger: Logger
    private var server: LoopbackServer?
    private var log: [Webhook] = []

    /// A recorder answering every request with `responseStatus` (204 by default).
    /// Without a logger it logs warnings and errors only.
    public init(responseStatus: Int = 204, logger: Logger? = nil) {
        (webhooks, sink) = AsyncStream.makeStream(of: Webhook.self)
        self.responseStatus = responseStatus
        self.logger = logger ?? .quiet("webhook-recorder")
    }

    /// Listens on a free loopback port and returns `http://127.0.0.1:PORT`.
    @discardableResult
    public func start() async throws -> String {
        guard server == nil else { throw SimulatorError.alreadyRunning }
        let router = Router()
        let record: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var body = try await request.body.collect(upTo: 1 << 20)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            await self.record(Webhook(
                method: request.method.rawValue, path: request.uri.path,
                query: FormField.list(FormEncoding.decode(Substring(request.uri.query ?? ""))),
                form: FormField.list(FormEncoding.decode(Substring(decoding: bytes, as: UTF8.self))),
                body: String(decoding: bytes, as: UTF8.self)))
            return Response(status: .init(code: self.responseStatus))
        }
        router.on("**", method: .post, use: record)
        router.on("**", method: .get, use: record)
        server = try await LoopbackServer.start(router: router, host: "127.0.0.1", port: 0, serverName: "webhook-recorder", logger: logger)
        return baseURL
    }

    /// `http://127.0.0.1:PORT`; empty before ``start()``.
    public var baseURL: String {
        server.map { LoopbackServer.baseURL(host: "127.0.0.1", port: $0.port) } ?? ""
    }

    /// Every webhook received so far, oldest first.
    public func received() -> [Webhook] {
        log
    }

    /// Stops the server and ends ``webhooks``.
    public func stop() async {
        guard let running = server else { return }
        server = nil
        await running.stop()
        sink.finish()
    }

    /// The next `count` webhooks from ``webhooks``, waiting at most `timeout`.
    /// - Throws: ``SimulatorError/timedOut(waitingFor:)`` when fewer arrive in time.
    public nonisolated func next(_ count: Int, within timeout: Duration) async throws -> [Webhook] {
        try await withThrowingTaskGroup(of: [Webhook]?.self) { group in
            group.addTask {
                var got: [Webhook] = []
                for await webhook in self.webhooks {
                    got.append(webhook)
                    if got.count == count { break }
                }
                return got.count == count ? got : nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let got = first else {
                throw SimulatorError.timedOut(waitingFor: "\(count) webhooks")
            }
            return got
        }
    }

    private func record(_ webhook: Webhook) {
        log.append(webhook)
        sink.yield(webhook)
    }
}
