/// The name of a Twilio mark sent after outbound audio: `<item>:<sentMs>:g<generation>`.
///
/// Twilio echoes a mark when the audio before it has played — and also, on
/// `clear`, every mark still pending. The generation tells the two apart: a
/// flush (barge-in) starts a new generation, so echoes carrying an older one
/// mean "discarded", not "played".
public struct MarkName: Hashable, Sendable, CustomStringConvertible {
    /// The model's item id (e.g. `item_C0ffee`), or any name without `:` for tests.
    public var itemID: String
    /// Milliseconds of that item sent up to and including the audio before this mark.
    public var sentMilliseconds: UInt32
    /// The playback generation it was sent in.
    public var generation: UInt32

    /// A mark for `itemID` after `sentMilliseconds`, in `generation`.
    public init(itemID: String, sentMilliseconds: UInt32, generation: UInt32) {
        self.itemID = itemID
        self.sentMilliseconds = sentMilliseconds
        self.generation = generation
    }

    /// Parses a name made by `description`; nil for anything else (unknown marks are ignored, not errors).
    public init?(_ text: Substring) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3,
              let generationPart = parts.last, generationPart.first == "g",
              let generation = UInt32(generationPart.dropFirst()),
              let sent = UInt32(parts[parts.count - 2])
        else { return nil }
        let item = parts[..<(parts.count - 2)].joined(separator: ":")
        guard !item.isEmpty else { return nil }
        self.init(itemID: item, sentMilliseconds: sent, generation: generation)
    }

    /// Parses a name made by `description`.
    public init?(_ text: String) { self.init(Substring(text)) }

    /// The name as sent to Twilio.
    public var description: String { "\(itemID):\(sentMilliseconds):g\(generation)" }
}
