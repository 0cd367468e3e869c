/// Something that happened to a simulated call, for an observer such as `anpi-call simulate-twilio`.
public enum SimulatedCallEvent: Sendable, Equatable {
    /// A create request placed the call.
    case created(SimulatedCall)
    /// An update replaced the call's TwiML (or `Url`).
    case redirected(SimulatedCall)
    /// The call ended (hung up through the API, by the callee, or when its TwiML ran out).
    case ended(SimulatedCall)

    /// The call as of the event.
    public var call: SimulatedCall {
        switch self {
        case .created(let call), .redirected(let call), .ended(let call): call
        }
    }
}
