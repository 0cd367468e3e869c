import Foundation
import MediaCore
import Testing

/// `AudioConverter`: formats, resampling with delay compensation, chunking, and clean failures.
@Suite final class AudioConverterTests {
    let dir: URL
    init() throws { dir = try TestResources.temporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
    func convert(_ input: String, _ inFormat: String, _ output: String, _ outFormat: String, chunk: Int = 20) throws -> AudioConverter.Summary {
        try AudioConverter(input: (input, try AudioFileFormat(parsing: inFormat)), output: (path(output), try AudioFileFormat(parsing: outFormat)), chunkMilliseconds: chunk).run()
    }
    static func le16(_ b: [UInt8]) -> [Int16] {
        stride(from: 0, to: b.count - 1, by: 2).map { Int16(bitPattern: UInt16(b[$0]) | UInt16(b[$0 + 1]) << 8) }
    }
    static func le16Bytes(_ s: [Int16]) -> [UInt8] { s.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] } }
    /// The clip's samples (its WAV data after the 44-byte header the shared clips have).
    static let clip8k: [Int16] = le16(Array([UInt8](TestResources.data("callee_moshimoshi_8k.wav")).dropFirst(44)))

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }
    }

    @Test func wavToMulawMatchesG711() throws {
        let summary = try convert(TestResources.path("callee_moshimoshi_8k.wav"), "wav", "out.ulaw", "pcmu")
        #expect(summary.inputRate == 8000 && summary.outputRate == 8000 && summary.resampler == nil)
        #expect(try bytes("out.ulaw") == G711.encodeMulaw(Self.clip8k))
    }

    @Test func mulawToAlawAndBack() throws {
        try Data(G711.encodeMulaw(Self.clip8k)).write(to: URL(fileURLWithPath: path("in.ulaw")))
        _ = try convert(path("in.ulaw"), "pcmu", "a.alaw", "pcma")
        #expect(try bytes("a.alaw") == G711.encodeAlaw(G711.decodeMulaw(G711.encodeMulaw(Self.clip8k))))
        _ = try convert(path("a.alaw"), "pcma", "b.pcm", "pcm16:8000")
        #expect(try Self.le16(bytes("b.pcm")) == G711.decodeAlaw(try bytes("a.alaw")))
    }

    @Test func upsamplingGivesExactlyThreeTimesAndIsAligned() throws {
        try Data(Self.le16Bytes(Self.clip8k)).write(to: URL(fileURLWithPath: path("in.pcm")))
        let up = try convert(path("in.pcm"), "pcm16:8000", "up.pcm", "pcm16:24000")
        #expect(up.resampler == "polyphase")
        let upSamples = Self.le16(try bytes("up.pcm"))
        #expect(upSamples.count == 3 * Self.clip8k.count)
        _ = try convert(path("up.pcm"), "pcm16:24000", "down.pcm", "pcm16:8000")
        let down = Self.le16(try bytes("down.pcm"))
        #expect(down.count == Self.clip8k.count)
        // Delay is compensated: the round trip lines up sample for sample (lag 0 correlates best).
        func correlation(lag: Int) -> Double {
            var num = 0.0, ea = 0.0, eb = 0.0
            for i in 10..<(down.count - 10) {
                let x = Double(Self.clip8k[i]), y = Double(down[i + lag])
                num += x * y; ea += x * x; eb += y * y
            }
            return num / (ea * eb).squareRoot()
        }
        let c0 = correlation(lag: 0)
        #expect(c0 > 0.97)
        #expect(c0 > correlation(lag: 1) && c0 > correlation(lag: -1))
    }

    @Test(arguments: [1, 7, 20, 1000])
    func outputDoesNotDependOnChunking(chunk: Int) throws {
        _ = try convert(TestResources.path("callee_moshimoshi_24k.wav"), "wav", "ref.pcm", "pcm16:8000", chunk: 20)
        _ = try convert(TestResources.path("callee_moshimoshi_24k.wav"), "wav", "c.pcm", "pcm16:8000", chunk: chunk)
        #expect(try bytes("c.pcm") == bytes("ref.pcm"))
    }

    @Test func wavOutputsCarryTheRightHeaders() throws {
        _ = try convert(TestResources.path("callee_moshimoshi_24k.wav"), "wav", "same.wav", "wav")
        let same = try bytes("same.wav")
        #expect(Array(same[0..<4]) == Array("RIFF".utf8))
        #expect(Int(same[24]) | Int(same[25]) << 8 | Int(same[26]) << 16 == 24000)
        #expect(Array(same[44...]) == Array([UInt8](TestResources.data("callee_moshimoshi_24k.wav"))[44...]))
        let summary = try convert(TestResources.path("callee_moshimoshi_24k.wav"), "wav", "mu.wav", "wav:pcmu")
        #expect(summary.outputRate == 8000)
        let mu = try bytes("mu.wav")
        #expect(mu[20] == 7, "format tag 7 is μ-law")
        #expect(Int(mu[24]) | Int(mu[25]) << 8 == 8000)
        // Reading it back gives the μ-law data decoded.
        _ = try convert(path("mu.wav"), "wav", "mu.pcm", "pcm16:8000")
        #expect(try Self.le16(bytes("mu.pcm")) == G711.decodeMulaw(Array(mu[46...])))
    }

    @Test func stereoAndFloatWavAreRead() throws {
        // Hand-made 16 kHz stereo PCM16: left = 1000, right = 3000 → mono 2000.
        func wav(tag: UInt16, channels: UInt16, bits: UInt16, rate: UInt32, data: [UInt8]) -> Data {
            var h = Data("RIFF".utf8)
            func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
            func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
            u32(UInt32(36 + data.count)); h.append(contentsOf: "WAVEfmt ".utf8); u32(16)
            u16(tag); u16(channels); u32(rate); u32(rate * UInt32(channels * bits / 8)); u16(channels * bits / 8); u16(bits)
            h.append(contentsOf: "LIST".utf8); u32(4); h.append(contentsOf: "INFO".utf8)  // a chunk to skip
            h.append(contentsOf: "data".utf8); u32(UInt32(data.count)); h.append(contentsOf: data)
            return h
        }
        let stereo = Self.le16Bytes(Array(repeating: [Int16(1000), 3000], count: 320).flatMap { $0 })
        try wav(tag: 1, channels: 2, bits: 16, rate: 16000, data: stereo).write(to: URL(fileURLWithPath: path("s.wav")))
        _ = try convert(path("s.wav"), "wav", "s.pcm", "pcm16:16000")
        #expect(try Self.le16(bytes("s.pcm")) == Array(repeating: 2000, count: 320))
        let floats = [Float](repeating: 0.5, count: 160).flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
        try wav(tag: 3, channels: 1, bits: 32, rate: 8000, data: floats).write(to: URL(fileURLWithPath: path("f.wav")))
        _ = try convert(path("f.wav"), "wav", "f.pcm", "pcm16:8000")
        #expect(try Self.le16(bytes("f.pcm")) == Array(repeating: 16384, count: 160))
    }

    @Test func opusOutputIsAnOggOpusFile() throws {
        _ = try convert(TestResources.path("callee_moshimoshi_8k.wav"), "wav", "o.opus", "opus")
        let o = try bytes("o.opus")
        #expect(Array(o[0..<4]) == Array("OggS".utf8))
        #expect(Array(o[28..<36]) == Array("OpusHead".utf8))
    }

    @Test func badInputFailsWithAMessageAndLeavesNoFile() throws {
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path("odd.pcm")))
        try Data("this is not a wav file at all".utf8).write(to: URL(fileURLWithPath: path("bad.wav")))
        let cases: [(String, String, String, String)] = [
            (path("odd.pcm"), "pcm16:8000", "x1", "pcmu"),
            (path("missing.wav"), "wav", "x2", "pcmu"),
            (path("bad.wav"), "wav", "x3", "pcmu"),
        ]
        for (input, inFormat, output, outFormat) in cases {
            #expect(throws: AudioConvertError.self) { try convert(input, inFormat, output, outFormat) }
            #expect(!FileManager.default.fileExists(atPath: path(output)))
        }
        #expect(throws: AudioConvertError("unknown audio format 'mp3': use one of \(AudioFileFormat.names)")) {
            try AudioFileFormat(parsing: "mp3")
        }
        #expect(throws: AudioConvertError.self) { try AudioFileFormat(parsing: "pcm16:44100") }
        #expect(throws: AudioConvertError.self) { try convert(TestResources.path("callee_moshimoshi_8k.wav"), "wav", "x4", "pcmu", chunk: 0) }
        #expect(try leftovers().isEmpty)
    }

    @Test func formatNamesRoundTrip() throws {
        for name in ["pcmu", "pcma", "pcm16:8000", "pcm16:16000", "pcm16:24000", "wav", "wav:pcmu", "opus"] {
            #expect(try AudioFileFormat(parsing: name).description == name)
        }
        #expect(try !AudioFileFormat(parsing: "opus").isReadable)
    }
}
