import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the gateway's routes: WebSocket upgrades, plus the peer's address for the
/// per-client rate limit.
public struct GatewayRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The WebSocket handler set by the upgrade route.
    public let webSocket: WebSocketHandlerReference<Self>
    /// The TCP peer (the client, or the proxy in front of the gateway).
    public let remoteAddress: SocketAddress?

    /// The context of a request on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }
}
