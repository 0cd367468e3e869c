/// Reads an audio file chunk by chunk as mono PCM16, whatever its format.
///
/// One read buffer and one sample buffer are allocated at open and reused for every chunk.
final class AudioFileReader {
    let sampleRate: Int
    let encoding: SampleEncoding
    let channels: Int
    /// Samples per channel in the file.
    let frameCount: Int
    private let file: CFile
    private var remainingBytes: Int
    private var raw: [UInt8]
    private(set) var samples: [Int16]

    /// Opens `path` as `format` and prepares to read `chunkFrames` samples at a time.
    init(path: String, format: AudioFileFormat, chunkMilliseconds: Int) throws {
        file = try CFile(path: path, mode: "rb")
        let fileSize = try file.size()
        switch format {
        case .mulaw: (encoding, sampleRate, channels, remainingBytes) = (.mulaw, 8000, 1, fileSize)
        case .alaw: (encoding, sampleRate, channels, remainingBytes) = (.alaw, 8000, 1, fileSize)
        case .pcm16(let rate):
            guard fileSize % 2 == 0 else {
                throw AudioConvertError("\(path) has an odd number of bytes (\(fileSize)): raw PCM16 needs 2 bytes per sample")
            }
            (encoding, sampleRate, channels, remainingBytes) = (.pcm16, rate, 1, fileSize)
        case .wav:
            let header = try WAVHeader.read(from: file, fileSize: fileSize)
            try file.seek(to: header.dataOffset)
            let frameBytes = header.encoding.bytesPerSample * header.channels
            (encoding, sampleRate, channels) = (header.encoding, header.sampleRate, header.channels)
            remainingBytes = header.dataLength - header.dataLength % frameBytes  // drop a torn last frame
        case .wavMulaw, .opus:
            throw AudioConvertError("\(format) is an output format only: read WAV, pcmu, pcma or pcm16")
        }
        frameCount = remainingBytes / (encoding.bytesPerSample * channels)
        let chunkFrames = max(1, sampleRate * chunkMilliseconds / 1000)
        raw = [UInt8](repeating: 0, count: chunkFrames * encoding.bytesPerSample * channels)
        samples = [Int16](repeating: 0, count: chunkFrames)
    }

    /// Reads the next chunk into `samples`; returns the number of samples (0 at the end).
    func next() throws -> Int {
        let frameBytes = encoding.bytesPerSample * channels
        let want = min(raw.count, remainingBytes)
        guard want > 0 else { return 0 }
        let got = try raw.withUnsafeMutableBytes { buffer in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]))
        }
        let frames = got / frameBytes
        remainingBytes = got < want ? 0 : remainingBytes - got
        decode(frames: frames)
        return frames
    }

    private func decode(frames: Int) {
        let encoding = encoding, channels = channels
        raw.withUnsafeBufferPointer { src in
            samples.withUnsafeMutableBufferPointer { dst in
                if channels == 1 && encoding == .mulaw {
                    return G711.decodeMulaw(UnsafeBufferPointer(rebasing: src[..<frames]), into: dst)
                }
                if channels == 1 && encoding == .alaw {
                    return G711.decodeAlaw(UnsafeBufferPointer(rebasing: src[..<frames]), into: dst)
                }
                for i in 0..<frames {
                    var sum = 0
                    for c in 0..<channels {
                        let k = i * channels + c
                        switch encoding {
                        case .pcm16: sum += Int(Int16(bitPattern: UInt16(src[2 * k]) | UInt16(src[2 * k + 1]) << 8))
                        case .mulaw: sum += Int(G711.decodeMulawSample(src[k]))
                        case .alaw: sum += Int(G711.decodeAlawSample(src[k]))
                        case .float32:
                            let bits = UInt32(src[4 * k]) | UInt32(src[4 * k + 1]) << 8 | UInt32(src[4 * k + 2]) << 16 | UInt32(src[4 * k + 3]) << 24
                            let v = (Float(bitPattern: bits) * 32768).rounded()
                            sum += Int(max(-32768, min(32767, v.isNaN ? 0 : v)))
                        }
                    }
                    // Stereo is mixed down to mono; the halving cannot overflow Int16.
                    dst[i] = Int16(channels == 1 ? sum : sum >> 1)
                }
            }
        }
    }
}
