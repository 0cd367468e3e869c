/// Why a loopback call could not be run.
public enum ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    case noFreePort
    case gatewayDidNotStart
    /// `POST /outbound-call` did not succeed.
    case callRefused(status: Int, body: String)
    case timedOut(String)

    public var description: String {
        switch self {
        case .noFreePort: "no free loopback port"
        case .gatewayDidNotStart: "the gateway did not start"
        case .callRefused(let status, let body): "POST /outbound-call answered \(status): \(body)"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}
