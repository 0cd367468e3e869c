/// The parts of a RIFF/WAVE header that say how to read its samples.
public struct WAVHeader: Equatable, Sendable {
    /// How samples are stored.
    public var encoding: SampleEncoding
    /// Samples per second.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Byte offset of the sample data.
    public var dataOffset: Int
    /// Bytes of sample data (clipped to the file's size).
    public var dataLength: Int

    /// Reads the header at the start of `file`, whose total size is `fileSize`.
    static func read(from file: CFile, fileSize: Int) throws -> WAVHeader {
        func fail(_ why: String) -> AudioConvertError {
            AudioConvertError("cannot read WAV file \(file.path): \(why)")
        }
        guard let riff = try file.readExactly(12), riff[0..<4].elementsEqual("RIFF".utf8), riff[8..<12].elementsEqual("WAVE".utf8) else {
            throw fail("not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while let chunk = try file.readExactly(8) {
            let size = Int(le32(chunk, 4))
            offset += 8
            if chunk[0..<4].elementsEqual("fmt ".utf8) {
                guard size >= 16, size <= 1024, let body = try file.readExactly(size) else { throw fail("bad fmt chunk") }
                var tag = Int(le16(body, 0))
                if tag == 0xFFFE, size >= 26 { tag = Int(le16(body, 24)) }  // WAVE_FORMAT_EXTENSIBLE: sub-format GUID starts with the tag
                format = (tag, Int(le16(body, 2)), Int(le32(body, 4)), Int(le16(body, 14)))
                offset += size
                if size % 2 == 1 { _ = try file.readExactly(1); offset += 1 }
            } else if chunk[0..<4].elementsEqual("data".utf8) {
                guard let format else { throw fail("data chunk before fmt chunk") }
                let encoding: SampleEncoding
                switch (format.tag, format.bits) {
                case (1, 16): encoding = .pcm16
                case (3, 32): encoding = .float32
                case (6, 8): encoding = .alaw
                case (7, 8): encoding = .mulaw
                default: throw fail("unsupported sample format (tag \(format.tag), \(format.bits) bits): use 16-bit PCM, 32-bit float, μ-law or A-law")
                }
                guard (1...2).contains(format.channels) else { throw fail("\(format.channels) channels: only mono and stereo are supported") }
                guard (1000...384_000).contains(format.rate) else { throw fail("implausible sample rate \(format.rate)") }
                // Streaming writers leave the size 0 or 0xFFFFFFFF: take the rest of the file.
                let available = max(0, fileSize - offset)
                let length = (size == 0 || size == 0xFFFF_FFFF) ? available : min(size, available)
                return WAVHeader(encoding: encoding, sampleRate: format.rate, channels: format.channels, dataOffset: offset, dataLength: length)
            } else {
                let skip = size + (size % 2)
                guard offset + skip <= fileSize else { throw fail("truncated chunk") }
                offset += skip
                try file.seek(to: offset)
            }
        }
        throw fail("no data chunk")
    }

    /// A 44-byte (PCM) or 46-byte (μ-law) header for `channels` interleaved channels of `dataLength` bytes.
    static func encode(encoding: SampleEncoding, sampleRate: Int, dataLength: Int, channels: Int = 1) -> [UInt8] {
        let tag: UInt16 = encoding == .mulaw ? 7 : encoding == .alaw ? 6 : encoding == .float32 ? 3 : 1
        let bytesPerSample = encoding.bytesPerSample
        let fmtSize: UInt32 = encoding == .pcm16 || encoding == .float32 ? 16 : 18  // non-PCM carries cbSize
        var h: [UInt8] = []
        h += Array("RIFF".utf8); h += le(UInt32(4 + 8 + Int(fmtSize) + 8 + dataLength))
        h += Array("WAVE".utf8)
        h += Array("fmt ".utf8); h += le(fmtSize)
        h += le(tag); h += le(UInt16(channels)); h += le(UInt32(sampleRate)); h += le(UInt32(sampleRate * bytesPerSample * channels))
        h += le(UInt16(bytesPerSample * channels)); h += le(UInt16(bytesPerSample * 8))
        if fmtSize == 18 { h += le(UInt16(0)) }
        h += Array("data".utf8); h += le(UInt32(dataLength))
        return h
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }
}
