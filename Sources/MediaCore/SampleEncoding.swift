/// How samples are stored in an audio file's data.
public enum SampleEncoding: Equatable, Sendable {
    /// 16-bit little-endian signed.
    case pcm16
    /// 8-bit G.711 μ-law.
    case mulaw
    /// 8-bit G.711 A-law.
    case alaw
    /// 32-bit little-endian IEEE float in [-1, 1].
    case float32

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int {
        switch self {
        case .pcm16: 2
        case .mulaw, .alaw: 1
        case .float32: 4
        }
    }
}
