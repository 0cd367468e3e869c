/// A file format accepted by `anpi-call audio convert`.
public enum AudioFileFormat: Equatable, Sendable, CustomStringConvertible {
    /// Raw G.711 μ-law at 8 kHz (`pcmu`).
    case mulaw
    /// Raw G.711 A-law at 8 kHz (`pcma`).
    case alaw
    /// Raw little-endian mono PCM16 at 8000, 16000 or 24000 Hz (`pcm16:RATE`).
    case pcm16(sampleRate: Int)
    /// WAV: read with the format from its header; written as PCM16 at the other side's rate (`wav`).
    case wav
    /// μ-law WAV at 8 kHz (`wav:pcmu`), output only.
    case wavMulaw
    /// Ogg Opus (`opus`), output only.
    case opus

    /// The rates a raw PCM16 file may have.
    public static let pcm16Rates = [8000, 16000, 24000]

    /// The names the command line accepts, for help and errors.
    public static let names = "pcmu, pcma, pcm16:8000, pcm16:16000, pcm16:24000, wav, wav:pcmu, opus"

    /// Parses a command-line format name.
    public init(parsing text: String) throws(AudioConvertError) {
        switch text.lowercased() {
        case "pcmu", "mulaw", "ulaw": self = .mulaw
        case "pcma", "alaw": self = .alaw
        case "wav": self = .wav
        case "wav:pcmu": self = .wavMulaw
        case "opus", "ogg", "ogg:opus": self = .opus
        case let name where name.hasPrefix("pcm16:"):
            guard let rate = Int(name.dropFirst(6)), Self.pcm16Rates.contains(rate) else {
                throw AudioConvertError("unsupported PCM16 rate in '\(text)': use pcm16:8000, pcm16:16000 or pcm16:24000")
            }
            self = .pcm16(sampleRate: rate)
        default:
            throw AudioConvertError("unknown audio format '\(text)': use one of \(Self.names)")
        }
    }

    /// The name the command line uses for this format.
    public var description: String {
        switch self {
        case .mulaw: "pcmu"
        case .alaw: "pcma"
        case .pcm16(let rate): "pcm16:\(rate)"
        case .wav: "wav"
        case .wavMulaw: "wav:pcmu"
        case .opus: "opus"
        }
    }

    /// Whether files of this format can be read.
    public var isReadable: Bool {
        switch self {
        case .mulaw, .alaw, .pcm16, .wav: true
        case .wavMulaw, .opus: false
        }
    }
}
