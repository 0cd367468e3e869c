import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The gateway's HTTP/1 + WebSocket server with a deadline on each connection's first request head:
/// a client that opens a connection and sends its headers a byte at a time ("slowloris") is closed
/// when the deadline passes, instead of holding a connection and its memory for ever. After the
/// first head, Hummingbird's idle timeout and the WebSocket pings watch the connection.
struct SlowClientGuard<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let headerDeadline: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeaderDeadlineHandler(deadline: headerDeadline, logger: logger), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension SlowClientGuard where Inner == HTTP1WebSocketUpgradeChannel {
    /// The server builder: `router` answers both HTTP requests and WebSocket upgrades.
    static func server<Router: HTTPResponderBuilder & _HB_SendableMetatype>(
        webSocketRouter router: Router, configuration: HTTP1WebSocketUpgradeChannel.Configuration, headerDeadline: TimeAmount
    ) -> HTTPServerBuilder where Router.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = router.buildResponder()
        return HTTPServerBuilder { responder in
            SlowClientGuard(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                            headerDeadline: headerDeadline)
        }
    }
}

/// Closes the connection unless the first request head (up to the blank line) arrives within the
/// deadline; then takes itself out of the pipeline.
final class HeaderDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// The last bytes seen, to find "\r\n\r\n" across reads.
    private var tail: UInt32 = 0
    private var done = false

    init(deadline: TimeAmount, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let logger = logger
        timer = context.eventLoop.scheduleTask(in: deadline) {
            logger.notice("closing a connection that sent no complete request head in time", metadata: ["peer": "\(loopBound.value.remoteAddress.map { "\($0)" } ?? "-")"])
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            for byte in buffer.readableBytesView {
                tail = tail << 8 | UInt32(byte)
                if tail == 0x0D0A_0D0A {
                    done = true
                    break
                }
            }
        }
        context.fireChannelRead(data)
        if done {
            timer?.cancel()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
