import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket

/// A WebSocket connection to the OpenAI Realtime API (GA interface): `wss://` goes through
/// swift-nio-ssl's TLS with the system's trust roots, authentication is `Authorization: Bearer`,
/// and the model travels as `?model=` in the URL. No `OpenAI-Beta` header is sent: the beta
/// interface is switched off.
///
/// One client serves one call. ``run(outgoing:onOpen:onEvent:)`` connects, sends every text in
/// `outgoing` in order, hands every server event to `onEvent`, and returns when either side
/// closes; unknown events are passed on as ``RealtimeServerEvent/other(type:)`` and logged at debug level.
public struct RealtimeClient: Sendable {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// `wss://api.openai.com/v1/realtime` (or a simulator's `ws://127.0.0.1:PORT/v1/realtime`).
        public var url: String
        public var model: String
        public var apiKey: String
        /// How long the TCP, TLS and WebSocket handshakes may take together.
        public var connectTimeout: Duration = .seconds(10)
        /// Largest server message accepted (audio deltas are a few KB; session events up to ~20 KB).
        public var maxMessageBytes = 1 << 20

        public init(url: String, model: String, apiKey: String) {
            self.url = url
            self.model = model
            self.apiKey = apiKey
        }

        /// The URL with `model` added to its query.
        public var connectURL: String {
            let separator = url.contains("?") ? "&" : "?"
            let encoded = model.addingPercentEncodingForQuery()
            return url + separator + "model=" + encoded
        }
    }

    /// How a connection ended.
    public enum Ending: Equatable, Sendable {
        /// `outgoing` finished and the client closed the socket (the normal end of a call).
        case closedByClient
        /// The server closed it, with its close code and reason if it sent any.
        case closedByServer(code: UInt16?, reason: String?)
    }

    public let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects and relays until the socket closes.
    /// - Parameters:
    ///   - outgoing: JSON texts to send, in order; finishing it closes the socket normally.
    ///   - onOpen: called once the WebSocket handshake has completed.
    ///   - onEvent: called for each server event, in order.
    /// - Throws: ``RealtimeConnectionError`` when the connection cannot be made.
    public func run(
        outgoing: AsyncStream<String>,
        onOpen: @escaping @Sendable () async -> Void,
        onEvent: @escaping @Sendable (RealtimeServerEvent) async -> Void
    ) async throws(RealtimeConnectionError) -> Ending {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(configuration.apiKey)"
        let wsConfiguration = WebSocketClientConfiguration(maxFrameSize: configuration.maxMessageBytes, additionalHeaders: headers)
        let opened = OpenFlag()
        let url = configuration.connectURL
        let logger = logger
        let maxBytes = configuration.maxMessageBytes
        let timeout = configuration.connectTimeout
        do {
            return try await withThrowingTaskGroup(of: Ending?.self) { group in
                group.addTask {
                    let frame = try await WebSocketClient.connect(url: url, configuration: wsConfiguration, logger: logger) { inbound, outbound, _ in
                        await opened.set()
                        await onOpen()
                        try await withThrowingTaskGroup(of: Void.self) { pair in
                            pair.addTask {
                                for await text in outgoing {
                                    try await outbound.writeTextMessage(text)
                                }
                                // Cancelled: the server closed first.
                                if Task.isCancelled { return }
                                await opened.closedByClient()
                                try await outbound.close(.normalClosure, reason: nil)
                            }
                            for try await message in inbound.messages(maxSize: maxBytes) {
                                guard case .text(let text) = message else {
                                    logger.debug("ignoring a binary Realtime message")
                                    continue
                                }
                                do {
                                    let event = try RealtimeServerEvent.parse(text)
                                    if case .other(let type) = event { logger.debug("unhandled Realtime event", metadata: ["type": "\(type)"]) }
                                    await onEvent(event)
                                } catch {
                                    logger.warning("\(error)")
                                }
                            }
                            pair.cancelAll()
                        }
                    }
                    if await opened.byClient { return .closedByClient }
                    return .closedByServer(code: frame.map { UInt16(webSocketErrorCode: $0.closeCode) }, reason: frame?.reason)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    if await opened.isOpen { return nil }
                    throw RealtimeConnectionError.timedOut(url: url, after: timeout)
                }
                while let result = try await group.next() {
                    if let ending = result {
                        group.cancelAll()
                        return ending
                    }
                }
                return .closedByClient
            }
        } catch let error as RealtimeConnectionError {
            throw error
        } catch {
            if await opened.isOpen { return .closedByServer(code: nil, reason: "\(error)") }
            throw .failed(url: url, reason: "\(error)")
        }
    }
}

/// Connection state shared by the client's tasks.
private actor OpenFlag {
    private(set) var isOpen = false
    private(set) var byClient = false
    func set() { isOpen = true }
    func closedByClient() { byClient = true }
}

extension String {
    /// Percent-encodes everything but unreserved characters, for a query value.
    func addingPercentEncodingForQuery() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
