/// Why a simulator could not start or a wait on it gave up.
public enum SimulatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `start()` was called on a simulator that is already running.
    case alreadyRunning
    /// The server could not listen on the address (e.g. the port is taken).
    case couldNotListen(address: String, reason: String)
    /// A wait for something the simulator should have done ran out of time.
    case timedOut(waitingFor: String)

    /// One line saying what went wrong.
    public var description: String {
        switch self {
        case .alreadyRunning: "the simulator is already running"
        case .couldNotListen(let address, let reason): "could not listen on \(address): \(reason)"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}
