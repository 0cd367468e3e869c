import Twilio

/// A call Twilio accepted.
public struct PlacedCall: Sendable, Equatable {
    /// The gateway's id for the call (also in the stream token).
    public var callID: String
    /// Twilio's `CA…`.
    public var callSID: String
    public var toNumber: E164Number
    /// The TwiML sent inline with the create request.
    public var twiml: String
}
