/// A request the simulated Twilio API received.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// Query and form fields, in order.
    public var fields: [[String]]
}
