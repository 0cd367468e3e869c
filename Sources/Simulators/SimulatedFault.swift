/// A misbehaviour the simulated Twilio API can be told to show.
public enum SimulatedFault: Sendable, Equatable {
    /// How an error body is shaped.
    public enum Shape: Sendable, Equatable {
        /// The Voice API's `{code, message, more_info, status}`.
        case legacy
        /// RFC 9457 problem JSON `{type, title, status, code, detail}`.
        case problem
    }

    /// Answer with an error.
    case error(status: Int, code: Int, message: String, shape: Shape = .legacy)
    /// Wait this long before answering normally (to make a client time out).
    case delay(Duration)

    /// Which requests a fault applies to.
    public enum Endpoint: Sendable, Equatable {
        case createCall, updateCall, outgoingCallerIDs, incomingPhoneNumbers
        /// Any endpoint.
        case any
    }
}
