/// Why a simulator could not start or a wait on it gave up.
public enum SimulatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `start()` was called on a simulator that is already running.
    case alreadyRunning
    /// The server could not listen on the address (e.g. the port is taken).
    case couldNotListen(address: String, reason: String)
    /// A wait for something the simulator should have done ran out of time.
    case timedOut(waitingFor: String)
    /// A bundled file is missing (a broken build or install).
    case missingResource(String)
    /// The simulated callee could not connect to the media stream.
    case streamFailed(String)

    /// One line saying what went wrong.
    public var description: String {
        switch self {
        case .alreadyRunning: "the simulator is already running"
        case .couldNotListen(let address, let reason): "could not listen on \(address): \(reason)"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .missingResource(let name): "the simulators' resource \(name) is missing; rebuild anpi-call"
        case .streamFailed(let why): "the simulated callee's media stream failed: \(why)"
        }
    }
}
