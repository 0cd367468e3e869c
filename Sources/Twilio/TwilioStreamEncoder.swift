import MediaCore

/// Writes the messages of one media stream (`media`, `mark`, `clear`) with the stream's id escaped
/// once, not on every 20 ms frame. Gives the same text as ``TwilioStreamCommand/json(streamSid:)``.
public struct TwilioStreamEncoder: Sendable {
    private let mediaPrefix: String
    private let markPrefix: String
    private let clearText: String

    public init(streamSid: String) {
        let sid = TwilioStreamCommand.jsonString(streamSid)
        mediaPrefix = #"{"event":"media","streamSid":"# + sid + #","media":{"payload":""#
        markPrefix = #"{"event":"mark","streamSid":"# + sid + #","mark":{"name":"#
        clearText = #"{"event":"clear","streamSid":"# + sid + "}"
    }

    /// A `media` message playing `mulaw`.
    public func media(_ mulaw: UnsafeBufferPointer<UInt8>) -> String {
        mediaPrefix + Base64.encode(mulaw) + #""}}"#
    }

    /// A `mark` message named `name`.
    public func mark(_ name: String) -> String {
        markPrefix + TwilioStreamCommand.jsonString(name) + "}}"
    }

    /// The `clear` message.
    public var clear: String { clearText }
}
