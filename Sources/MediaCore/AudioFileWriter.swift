/// Writes mono PCM16 chunks to a file in one of the output formats.
///
/// Encoding buffers grow to the largest chunk seen and are then reused.
final class AudioFileWriter {
    /// The rate the writer expects its input at.
    let sampleRate: Int
    private let format: AudioFileFormat
    private var file: CFile?
    private var opus: OggOpusWriter?
    private var bytes: [UInt8] = []
    private var dataLength = 0

    /// The sample rate `format` is written at when the input is at `inputRate`.
    static func outputRate(of format: AudioFileFormat, inputRate: Int) -> Int {
        switch format {
        case .mulaw, .alaw, .wavMulaw: 8000
        case .pcm16(let rate): rate
        case .wav, .opus: inputRate
        }
    }

    /// Creates `path`; `sampleRate` must be `outputRate(of:inputRate:)`.
    init(path: String, format: AudioFileFormat, sampleRate: Int) throws {
        self.format = format
        self.sampleRate = sampleRate
        switch format {
        case .opus:
            do {
                opus = try OggOpusWriter(path: path, sampleRate: sampleRate)
            } catch {
                throw AudioConvertError("cannot create \(path): \(error)")
            }
        case .wav, .wavMulaw:
            file = try CFile(path: path, mode: "wb")
            try writeHeader()  // sizes are patched in `finish`
        case .mulaw, .alaw, .pcm16:
            file = try CFile(path: path, mode: "wb")
        }
    }

    private var wavEncoding: SampleEncoding { format == .wavMulaw ? .mulaw : .pcm16 }

    private func writeHeader() throws {
        let header = WAVHeader.encode(encoding: wavEncoding, sampleRate: sampleRate, dataLength: dataLength)
        try header.withUnsafeBytes { (raw) in try file?.write(raw) }
    }

    /// Encodes and writes `samples`.
    func write(_ samples: UnsafeBufferPointer<Int16>) throws {
        if let opus {
            do { try opus.write(samples) } catch { throw AudioConvertError("\(error)") }
            return
        }
        let n = samples.count
        switch format {
        case .mulaw, .wavMulaw:
            grow(to: n)
            bytes.withUnsafeMutableBufferPointer { G711.encodeMulaw(samples, into: $0) }
            try emit(n)
        case .alaw:
            grow(to: n)
            bytes.withUnsafeMutableBufferPointer { G711.encodeAlaw(samples, into: $0) }
            try emit(n)
        default:
            grow(to: 2 * n)
            bytes.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    let v = UInt16(bitPattern: samples[i])
                    out[2 * i] = UInt8(truncatingIfNeeded: v)
                    out[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
                }
            }
            try emit(2 * n)
        }
    }

    private func grow(to count: Int) {
        if bytes.count < count { bytes = [UInt8](repeating: 0, count: count) }
    }

    private func emit(_ count: Int) throws {
        try bytes.withUnsafeBytes { (raw) in
            try file?.write(UnsafeRawBufferPointer(rebasing: raw[..<count]))
        }
        dataLength += count
    }

    /// Completes the file (WAV sizes, Ogg end of stream) and closes it.
    func finish() throws {
        if let opus {
            self.opus = nil
            do { try opus.close() } catch { throw AudioConvertError("\(error)") }
        }
        if format == .wav || format == .wavMulaw {
            try file?.seek(to: 0)
            try writeHeader()
        }
        try file?.close()
        file = nil
    }
}
