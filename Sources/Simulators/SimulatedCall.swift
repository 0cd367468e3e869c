/// A call the simulated Twilio API was asked to place, as Twilio would have received it.
public struct SimulatedCall: Sendable, Equatable, Codable {
    /// `CA` and 32 hex digits.
    public var sid: String
    public var to: String
    public var from: String
    /// The inline TwiML (`Twiml=`), or nil when a `Url` was given.
    public var twiml: String?
    public var url: String?
    public var statusCallback: String?
    /// The `StatusCallbackEvent` values, repeated keys kept in order.
    public var statusCallbackEvents: [String]
    /// `queued`, then `completed`/`canceled` after an update, or the last callback sent.
    public var status: String
    /// TwiML the call was redirected to, in order.
    public var redirects: [String]
    /// Every form field of the create request, in order.
    public var fields: [[String]]
}
