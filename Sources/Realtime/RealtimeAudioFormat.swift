/// The audio format negotiated with the model for a call (design §2).
public enum RealtimeAudioFormat: String, Sendable, CaseIterable, Codable {
    /// G.711 μ-law 8 kHz both ways: Twilio's bytes pass straight through.
    case pcmu
    /// G.711 A-law 8 kHz: μ-law ⇄ A-law per sample in the gateway.
    case pcma
    /// PCM16 24 kHz: μ-law → PCM16 → ×3 upsampling in, the reverse out.
    case pcm24k

    /// The GA `format` object: `{"type": "audio/pcmu"}` (no `rate` key for G.711) or `{"type": "audio/pcm", "rate": 24000}`.
    public var formatObject: [String: Any] {
        switch self {
        case .pcmu: ["type": "audio/pcmu"]
        case .pcma: ["type": "audio/pcma"]
        case .pcm24k: ["type": "audio/pcm", "rate": 24000]
        }
    }

    /// Bytes of model audio per millisecond (8 for G.711, 48 for PCM16 at 24 kHz).
    public var bytesPerMillisecond: Int { self == .pcm24k ? 48 : 8 }
}
