import CAnpiMedia
import Foundation
import MediaCore
import Testing

/// libopus frames at 8, 16 and 24 kHz, and Ogg Opus files through libopusenc.
@Suite struct OpusTests {
    static func tone(_ hz: Double, count: Int, rate: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<count).map { Int16((amplitude * sin(2 * .pi * hz * Double($0) / Double(rate))).rounded()) }
    }

    /// Energy-normalised correlation of `a` and `b` at the best lag in `lags`.
    static func bestCorrelation(_ a: [Int16], _ b: [Int16], lags: ClosedRange<Int>) -> Double {
        var best = -1.0
        for lag in lags {
            var num = 0.0, ea = 0.0, eb = 0.0
            for i in 0..<(a.count - lags.upperBound) where i + lag < b.count {
                let x = Double(a[i]), y = Double(b[i + lag])
                num += x * y; ea += x * x; eb += y * y
            }
            if ea > 0, eb > 0 { best = max(best, num / (ea * eb).squareRoot()) }
        }
        return best
    }

    @Test(arguments: [8000, 16000, 24000])
    func framesRoundTrip(rate: Int) throws {
        let encoder = try OpusEncoder(sampleRate: rate, bitrate: 32000)
        let decoder = try OpusDecoder(sampleRate: rate)
        #expect(encoder.frameSamples == rate / 50)
        #expect(encoder.lookahead > 0)
        let input = Self.tone(440, count: rate / 2, rate: rate)  // 25 frames
        var decoded: [Int16] = []
        var packet = [UInt8](repeating: 0, count: 1500)
        var pcm = [Int16](repeating: 0, count: rate / 50)
        for start in stride(from: 0, to: input.count, by: encoder.frameSamples) {
            let n = try input[start..<(start + encoder.frameSamples)].withUnsafeBufferPointer { frame in
                try packet.withUnsafeMutableBufferPointer { try encoder.encode(frame, into: $0) }
            }
            #expect(n > 0 && n < 1500)
            let m = try packet[..<n].withUnsafeBufferPointer { p in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) }
            }
            #expect(m == rate / 50)
            decoded += pcm[..<m]
        }
        // A lossy codec: the decoded tone must match the input closely once aligned by the look-ahead.
        let lookahead = encoder.lookahead
        #expect(Self.bestCorrelation(input, decoded, lags: max(0, lookahead - 8)...(lookahead + 8)) > 0.95)
    }

    @Test func lossIsConcealedWithOneFrame() throws {
        let decoder = try OpusDecoder(sampleRate: 16000)
        var pcm = [Int16](repeating: 1, count: 320)
        let n = try [UInt8]().withUnsafeBufferPointer { p in try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
        #expect(n == 320)
        try decoder.reset()
    }

    @Test func unsupportedRatesAndBadCallsAreErrors() throws {
        #expect(throws: MediaCoreError.self) { try OpusEncoder(sampleRate: 44100) }
        #expect(throws: MediaCoreError.self) { try OpusDecoder(sampleRate: 11025) }
        var err: Int32 = 0
        #expect(anpi_opus_encoder_create(8000, -5, &err) == nil)
        #expect(err == ANPI_ERR_UNSUPPORTED)
        #expect(anpi_opus_encode(nil, nil, nil, 0) == ANPI_ERR_ARG)
        #expect(anpi_opus_decode(nil, nil, 0, nil, 0) == ANPI_ERR_ARG)
        #expect(anpi_opus_encoder_reset(nil) == ANPI_ERR_ARG)
        #expect(anpi_opus_decoder_reset(nil) == ANPI_ERR_ARG)
        #expect(anpi_opus_encoder_lookahead(nil) == ANPI_ERR_ARG)
        anpi_opus_encoder_destroy(nil)
        anpi_opus_decoder_destroy(nil)
        let encoder = try OpusEncoder(sampleRate: 8000)
        try encoder.reset()
        var tiny = [UInt8](repeating: 0, count: 1)
        let frame = Self.tone(300, count: 160, rate: 8000, amplitude: 20000)
        // With one byte libopus still produces a valid packet: the TOC byte alone (a dropped frame).
        let n = try frame.withUnsafeBufferPointer { f in try tiny.withUnsafeMutableBufferPointer { try encoder.encode(f, into: $0) } }
        #expect(n == 1)
        var none = [UInt8]()
        #expect(throws: MediaCoreError(code: ANPI_ERR_ARG, operation: "encoding an Opus frame")) {
            _ = try frame.withUnsafeBufferPointer { f in try none.withUnsafeMutableBufferPointer { try encoder.encode(f, into: $0) } }
        }
    }

    /// Ogg pages of `data`: (header type, granule position, payload) per page.
    static func oggPages(_ data: [UInt8]) -> [(type: UInt8, granule: Int64, payload: [UInt8])] {
        var pages: [(UInt8, Int64, [UInt8])] = []
        var i = 0
        while i + 27 <= data.count, data[i..<(i + 4)].elementsEqual("OggS".utf8) {
            let type = data[i + 5]
            var granule: Int64 = 0
            for k in 0..<8 { granule |= Int64(data[i + 6 + k]) << (8 * k) }
            let segments = Int(data[i + 26])
            let lacing = data[(i + 27)..<(i + 27 + segments)]
            let size = lacing.reduce(0) { $0 + Int($1) }
            let start = i + 27 + segments
            pages.append((type, granule, Array(data[start..<(start + size)])))
            i = start + size
        }
        return pages
    }

    @Test(arguments: [8000, 24000])
    func oggOpusFileIsWellFormed(rate: Int) throws {
        let dir = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rec.opus").path
        let writer = try OggOpusWriter(path: path, sampleRate: rate)
        let second = Self.tone(500, count: rate, rate: rate)
        for start in stride(from: 0, to: second.count, by: rate / 50) {
            try second[start..<(start + rate / 50)].withUnsafeBufferPointer { try writer.write($0) }
        }
        try writer.close()
        try writer.close()  // closing twice is harmless
        #expect(throws: MediaCoreError.self) { try [Int16](repeating: 0, count: 10).withUnsafeBufferPointer { try writer.write($0) } }
        let pages = Self.oggPages([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        try #require(pages.count >= 3)
        #expect(pages[0].payload.starts(with: Array("OpusHead".utf8)))
        #expect(pages[0].type & 0x02 != 0, "first page starts the stream")
        #expect(pages[1].payload.starts(with: Array("OpusTags".utf8)))
        #expect(pages.last!.type & 0x04 != 0, "last page ends the stream")
        let preSkip = Int64(pages[0].payload[10]) | Int64(pages[0].payload[11]) << 8
        #expect(pages.last!.granule - preSkip == 48000, "one second at 48 kHz granules")
    }

    @Test func oggOpusWriterReportsUnwritablePaths() {
        #expect(throws: MediaCoreError.self) { try OggOpusWriter(path: "/nonexistent-dir/x.opus", sampleRate: 8000) }
        var err: Int32 = 0
        #expect(anpi_ogg_opus_writer_create(nil, 8000, 1, 0, &err) == nil)
        #expect(err == ANPI_ERR_ARG)
        #expect(anpi_ogg_opus_writer_close(nil) == ANPI_ERR_ARG)
        #expect(anpi_ogg_opus_writer_write(nil, nil, 0) == ANPI_ERR_ARG)
    }
}
