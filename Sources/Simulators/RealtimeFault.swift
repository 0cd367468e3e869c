/// A failure the simulated Realtime server produces on every session, at a time counted from the connection.
public enum RealtimeFault: Sendable, Equatable {
    /// Refuse the WebSocket upgrade (as a bad key or an outage would).
    case refuseConnections
    /// Close the socket abruptly.
    case disconnect(afterMilliseconds: Int)
    /// Send an `error` event (`type` e.g. `server_error`).
    case error(type: String, code: String, message: String, afterMilliseconds: Int)
    /// Send the `session_expired` error the API sends at its maximum duration, then close.
    case sessionExpired(afterMilliseconds: Int)
}
