/// The Realtime API could not be reached.
public enum RealtimeConnectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The handshakes did not finish in time.
    case timedOut(url: String, after: Duration)
    /// The connection was refused or failed (DNS, TCP, TLS, HTTP status on upgrade).
    case failed(url: String, reason: String)

    public var description: String {
        switch self {
        case .timedOut(let url, let after): "could not connect to the Realtime API at \(url) within \(after); check OPENAI_REALTIME_URL and the network"
        case .failed(let url, let reason): "could not connect to the Realtime API at \(url): \(reason); check OPENAI_REALTIME_URL and OPENAI_API_KEY"
        }
    }
}
