import CAnpiMedia
import Testing

/// The C resampler (anpi_resampler_*) through its C API: counts, chunking, kernels, delay,
/// measured quality, the speex backend, reset and argument checking.
@Suite struct ResamplerTests {
    struct Direction: Sendable, CustomTestStringConvertible {
        let from: Int32
        let to: Int32
        var testDescription: String { "\(from)→\(to)" }
        /// Samples in 20 ms.
        var chunkIn: Int { Int(from) / 50 }
        var chunkOut: Int { Int(to) / 50 }
    }

    static let directions: [Direction] = [
        Direction(from: 8000, to: 16000), Direction(from: 16000, to: 8000),
        Direction(from: 8000, to: 24000), Direction(from: 24000, to: 8000),
        Direction(from: 16000, to: 24000), Direction(from: 24000, to: 16000),
    ]
    static let avx2Available = anpi_kernel_available(ANPI_KERNEL_AVX2) != 0

    // MARK: - counts and chunking

    @Test("exactly 20 ms out per 20 ms in, from the first chunk on", arguments: ResamplerTests.directions)
    func samplesPer20msChunk(_ d: Direction) throws {
        let rs = try Self.make(d)
        defer { anpi_resampler_destroy(rs) }
        let input = Self.noise16(count: d.chunkIn * 25, seed: 1)
        for k in 0..<25 {
            #expect(anpi_resampler_max_output(rs, d.chunkIn) == d.chunkOut)
            let out = Self.convert(rs, Array(input[k * d.chunkIn..<(k + 1) * d.chunkIn]), chunks: [d.chunkIn])
            #expect(out.count == d.chunkOut, "chunk \(k)")
        }
    }

    @Test("n inputs give ceil(n·up/down) outputs, one call at a time", arguments: ResamplerTests.directions)
    func outputCountFollowsInputCount(_ d: Direction) throws {
        let rs = try Self.make(d)
        defer { anpi_resampler_destroy(rs) }
        let g = Self.gcd(Int(d.from), Int(d.to))
        let up = Int(d.to) / g, down = Int(d.from) / g
        var total = 0
        for n in 1...100 {
            total += Self.convert(rs, [Int16(n)], chunks: [1]).count
            #expect(total == (n * up + down - 1) / down)
        }
    }

    @Test("int16 output does not depend on chunking", arguments: ResamplerTests.directions)
    func chunkInvarianceInt16(_ d: Direction) throws {
        let input = Self.noise16(count: 4000, seed: 2)
        let whole = try Self.convert(d, input, chunks: [input.count])
        for sizes in Self.chunkings(total: input.count, seed: UInt64(d.from + d.to)) {
            #expect(try Self.convert(d, input, chunks: sizes) == whole)
        }
    }

    @Test("float output does not depend on chunking", arguments: ResamplerTests.directions)
    func chunkInvarianceFloat(_ d: Direction) throws {
        let input = Self.noiseFloat(count: 4000, seed: 3)
        let whole = try Self.convert(d, input, chunks: [input.count])
        for sizes in Self.chunkings(total: input.count, seed: UInt64(d.from * 3 + d.to)) {
            #expect(try Self.convert(d, input, chunks: sizes) == whole)
        }
    }

    // MARK: - kernels

    @Test func kernelQueries() throws {
        #expect(anpi_kernel_available(ANPI_KERNEL_AUTO) == 1)
        #expect(anpi_kernel_available(ANPI_KERNEL_SCALAR) == 1)
        #expect(anpi_kernel_available(anpi_kernel(rawValue: 7)) == 0)
        #expect(String(cString: anpi_kernel_name(ANPI_KERNEL_SCALAR)) == "scalar")
        #expect(String(cString: anpi_kernel_name(ANPI_KERNEL_AVX2)) == "avx2")
        #expect(String(cString: anpi_kernel_name(ANPI_KERNEL_AUTO)) == (Self.avx2Available ? "avx2" : "scalar"))

        let auto = try Self.make(Self.directions[2], kernel: ANPI_KERNEL_AUTO)
        defer { anpi_resampler_destroy(auto) }
        #expect(anpi_resampler_kernel(auto) == (Self.avx2Available ? ANPI_KERNEL_AVX2 : ANPI_KERNEL_SCALAR))
        let scalar = try Self.make(Self.directions[2], kernel: ANPI_KERNEL_SCALAR)
        defer { anpi_resampler_destroy(scalar) }
        #expect(anpi_resampler_kernel(scalar) == ANPI_KERNEL_SCALAR)
    }

    @Test("AVX2 is bit-identical to scalar", .enabled(if: ResamplerTests.avx2Available, "no AVX2 + FMA on this CPU"),
          arguments: ResamplerTests.directions)
    func avx2MatchesScalar(_ d: Direction) throws {
        // Full-scale noise clips, so saturation is compared too; odd chunks reach every tail.
        let input16 = Self.noise16(count: 6000, seed: 4)
        let inputF = Self.noiseFloat(count: 6000, seed: 5)
        let sizes = Self.chunkings(total: 6000, seed: 6).last!
        let s16 = try Self.convert(d, input16, chunks: sizes, kernel: ANPI_KERNEL_SCALAR)
        let v16 = try Self.convert(d, input16, chunks: sizes, kernel: ANPI_KERNEL_AVX2)
        #expect(s16 == v16)
        #expect(s16.contains(Int16.max) && s16.contains(Int16.min))
        let sF = try Self.convert(d, inputF, chunks: sizes, kernel: ANPI_KERNEL_SCALAR)
        let vF = try Self.convert(d, inputF, chunks: sizes, kernel: ANPI_KERNEL_AVX2)
        #expect(sF.map(\.bitPattern) == vF.map(\.bitPattern))
    }

    @Test("int16 output is the float output rounded to nearest even and saturated", arguments: ResamplerTests.directions)
    func int16RoundsAndSaturates(_ d: Direction) throws {
        let input16 = Self.noise16(count: 3000, seed: 7)
        let asInt = try Self.convert(d, input16, chunks: [3000])
        let asFloat = try Self.convert(d, input16.map { Float($0) }, chunks: [3000])
        let expected = asFloat.map { v -> Int16 in
            let r = v.rounded(.toNearestOrEven)
            return r >= 32767 ? .max : r <= -32768 ? .min : Int16(r)
        }
        #expect(asInt == expected)
    }

    // MARK: - delay and quality

    @Test("delay ≤ 3 ms, and an impulse peaks exactly at the reported delay", arguments: ResamplerTests.directions)
    func delay(_ d: Direction) throws {
        let rs = try Self.make(d)
        defer { anpi_resampler_destroy(rs) }
        let samples = anpi_resampler_delay_samples(rs), ms = anpi_resampler_delay_ms(rs)
        #expect(ms > 0 && ms <= 3)
        #expect(abs(ms - samples * 1000 / Double(d.to)) < 1e-9)
        var impulse = [Float](repeating: 0, count: 600)
        impulse[0] = 1
        let out = Self.convert(rs, impulse, chunks: [600])
        let peak = out.indices.max { abs(out[$0]) < abs(out[$1]) }!
        #expect(Double(peak) == samples)
    }

    @Test("measured: flat 0–3.4 kHz within 0.1 dB, ≥ 90 dB alias/image rejection", arguments: ResamplerTests.directions)
    func measuredQuality(_ d: Direction) throws {
        var q = anpi_resampler_quality()
        #expect(anpi_resampler_measure(d.from, d.to, ANPI_RESAMPLER_POLYPHASE, &q) == ANPI_OK)
        #expect(q.passband_ripple_db <= 0.1)
        #expect(q.passband_ripple_db > 0) // measured, not a default
        #expect(q.rejection_db >= 90)
        #expect(q.rejection_db < 200)
        #expect(q.worst_rejection_hz > 0)
        let rs = try Self.make(d)
        defer { anpi_resampler_destroy(rs) }
        #expect(q.delay_ms == anpi_resampler_delay_ms(rs))
    }

    // MARK: - speex

    @Test func speexHandlesAnOddRateAndReportsItsDelay() throws {
        var err: Int32 = 0
        let rs = try #require(anpi_resampler_create(44100, 8000, 5, ANPI_KERNEL_AUTO, &err))
        defer { anpi_resampler_destroy(rs) }
        #expect(err == ANPI_OK)
        #expect(anpi_resampler_kernel(rs) == ANPI_KERNEL_SCALAR)
        let samples = anpi_resampler_delay_samples(rs)
        #expect(samples > 0)
        #expect(abs(anpi_resampler_delay_ms(rs) - samples * 1000 / 8000) < 1e-9)
        let input = Self.noise16(count: 44100, seed: 8)
        let out = Self.convert(rs, input, chunks: [Int](repeating: 882, count: 50))
        #expect(abs(out.count - 8000) <= 1)
        let float = Self.convert(rs, [Float](repeating: 0.25, count: 4410), chunks: [4410])
        #expect(abs(float.count - 800) <= 1)
    }

    @Test func speexMeasuresWithItsDelay() {
        var q = anpi_resampler_quality()
        #expect(anpi_resampler_measure(24000, 8000, 5, &q) == ANPI_OK)
        #expect(q.passband_ripple_db < 0.1)
        #expect(q.rejection_db > 90)
        #expect(q.delay_ms == 5)
        var q3 = anpi_resampler_quality()
        #expect(anpi_resampler_measure(24000, 8000, 3, &q3) == ANPI_OK)
        #expect(q3.rejection_db > 60 && q3.rejection_db < q.rejection_db)
    }

    // MARK: - reset

    @Test("reset gives the output of a new object")
    func resetRestoresFreshState() throws {
        let first = Self.noise16(count: 1234, seed: 9), second = Self.noise16(count: 2000, seed: 10)
        var cases: [(Direction, Int32)] = Self.directions.map { ($0, ANPI_RESAMPLER_POLYPHASE) }
        cases.append((Direction(from: 44100, to: 8000), 4)) // speex
        for (d, quality) in cases {
            let fresh = try Self.make(d, quality: quality)
            defer { anpi_resampler_destroy(fresh) }
            let expected = Self.convert(fresh, second, chunks: [second.count])
            let used = try Self.make(d, quality: quality)
            defer { anpi_resampler_destroy(used) }
            _ = Self.convert(used, first, chunks: [first.count])
            anpi_resampler_reset(used)
            #expect(Self.convert(used, second, chunks: [second.count]) == expected, Comment(rawValue: d.testDescription))
        }
    }

    // MARK: - arguments

    @Test func createRejectsBadArguments() {
        func code(_ from: Int32, _ to: Int32, _ quality: Int32, _ kernel: anpi_kernel = ANPI_KERNEL_AUTO) -> Int32 {
            var err: Int32 = 1
            let rs = anpi_resampler_create(from, to, quality, kernel, &err)
            anpi_resampler_destroy(rs)
            return rs == nil ? err : ANPI_OK
        }
        #expect(code(8000, 44100, ANPI_RESAMPLER_POLYPHASE) == ANPI_ERR_UNSUPPORTED)
        #expect(code(8000, 8000, ANPI_RESAMPLER_POLYPHASE) == ANPI_ERR_UNSUPPORTED)
        #expect(code(8000, 32000, ANPI_RESAMPLER_POLYPHASE) == ANPI_ERR_UNSUPPORTED)
        #expect(code(8000, 24000, 11) == ANPI_ERR_ARG)
        #expect(code(8000, 24000, -2) == ANPI_ERR_ARG)
        #expect(code(0, 24000, 5) == ANPI_ERR_ARG)
        #expect(code(8000, -1, ANPI_RESAMPLER_POLYPHASE) == ANPI_ERR_ARG)
        #expect(code(8000, 24000, ANPI_RESAMPLER_POLYPHASE, anpi_kernel(rawValue: 7)) == ANPI_ERR_ARG)
        #expect(code(8000, 24000, ANPI_RESAMPLER_POLYPHASE, ANPI_KERNEL_AVX2)
            == (Self.avx2Available ? ANPI_OK : ANPI_ERR_UNSUPPORTED))
        #expect(code(8000, 24000, 0) == ANPI_OK)
        #expect(code(8000, 24000, 10) == ANPI_OK)
        // err may be NULL
        let rs = anpi_resampler_create(8000, 44100, ANPI_RESAMPLER_POLYPHASE, ANPI_KERNEL_AUTO, nil)
        #expect(rs == nil)
    }

    @Test func processRejectsNullPointers() throws {
        let rs = try Self.make(Self.directions[2])
        defer { anpi_resampler_destroy(rs) }
        var input = [Int16](repeating: 1, count: 16), output = [Int16](repeating: 0, count: 48)
        var inLen = 16, outLen = 48
        #expect(anpi_resampler_process_int16(nil, &input, &inLen, &output, &outLen) == ANPI_ERR_ARG)
        #expect(inLen == 0 && outLen == 0)
        inLen = 16; outLen = 48
        #expect(anpi_resampler_process_int16(rs, nil, &inLen, &output, &outLen) == ANPI_ERR_ARG)
        #expect(inLen == 0 && outLen == 0)
        inLen = 16; outLen = 48
        #expect(anpi_resampler_process_int16(rs, &input, &inLen, nil, &outLen) == ANPI_ERR_ARG)
        #expect(anpi_resampler_process_int16(rs, &input, nil, &output, &outLen) == ANPI_ERR_ARG)
        #expect(outLen == 0)
        inLen = 16
        #expect(anpi_resampler_process_int16(rs, &input, &inLen, &output, nil) == ANPI_ERR_ARG)
        #expect(inLen == 0)
        var inF = [Float](repeating: 0, count: 16), outF = [Float](repeating: 0, count: 48)
        inLen = 16; outLen = 48
        #expect(anpi_resampler_process_float(rs, nil, &inLen, &outF, &outLen) == ANPI_ERR_ARG)
        inLen = 16; outLen = 48
        #expect(anpi_resampler_process_float(rs, &inF, &inLen, nil, &outLen) == ANPI_ERR_ARG)
        // empty input may come with NULL buffers
        inLen = 0; outLen = 0
        #expect(anpi_resampler_process_float(rs, nil, &inLen, nil, &outLen) == ANPI_OK)
        #expect(inLen == 0 && outLen == 0)
        var q = anpi_resampler_quality()
        #expect(anpi_resampler_measure(8000, 24000, ANPI_RESAMPLER_POLYPHASE, nil) == ANPI_ERR_ARG)
        #expect(anpi_resampler_measure(8000, 44100, ANPI_RESAMPLER_POLYPHASE, &q) == ANPI_ERR_UNSUPPORTED)
        #expect(anpi_resampler_measure(8000, 24000, 11, &q) == ANPI_ERR_ARG)
        // queries on NULL are harmless
        anpi_resampler_reset(nil)
        anpi_resampler_destroy(nil)
        #expect(anpi_resampler_max_output(nil, 160) == 0)
        #expect(anpi_resampler_delay_samples(nil) == 0 && anpi_resampler_delay_ms(nil) == 0)
    }

    @Test("a too-small output buffer: consumes only the input whose output fits", arguments: ResamplerTests.directions)
    func smallOutputConsumesWhatFits(_ d: Direction) throws {
        let input = Self.noise16(count: 3 * d.chunkIn, seed: 11)
        let expected = try Self.convert(d, input, chunks: [input.count])
        let rs = try Self.make(d)
        defer { anpi_resampler_destroy(rs) }
        var got: [Int16] = [], offset = 0, space = 0
        var buffer = [Int16](repeating: 0, count: 64)
        input.withUnsafeBufferPointer { src in
            while offset < src.count {
                var inLen = src.count - offset, outLen = space
                let rc = anpi_resampler_process_int16(rs, src.baseAddress! + offset, &inLen, &buffer, &outLen)
                #expect(rc == ANPI_OK)
                #expect(outLen <= space)
                // what was consumed has all its output out, and one more input would not fit
                #expect(anpi_resampler_max_output(rs, 1) + outLen > space || offset + inLen == src.count)
                got += buffer[..<outLen]
                offset += inLen
                space = (space + 13) % 64
            }
        }
        #expect(got == expected)
    }

    // MARK: - helpers

    static func make(_ d: Direction, quality: Int32 = ANPI_RESAMPLER_POLYPHASE,
                     kernel: anpi_kernel = ANPI_KERNEL_AUTO) throws -> OpaquePointer {
        var err: Int32 = 0
        let rs = anpi_resampler_create(d.from, d.to, quality, kernel, &err)
        #expect(err == ANPI_OK)
        return try #require(rs)
    }

    fileprivate static func convert<T: ResamplerSample>(_ d: Direction, _ input: [T], chunks: [Int],
                                   kernel: anpi_kernel = ANPI_KERNEL_AUTO) throws -> [T] {
        let rs = try make(d, kernel: kernel)
        defer { anpi_resampler_destroy(rs) }
        return convert(rs, input, chunks: chunks)
    }

    /// Feeds `input` in chunks of the given sizes; each chunk must be consumed whole.
    fileprivate static func convert<T: ResamplerSample>(_ rs: OpaquePointer, _ input: [T], chunks: [Int]) -> [T] {
        var out: [T] = [], offset = 0
        input.withUnsafeBufferPointer { src in
            for size in chunks where offset < src.count {
                let n = min(size, src.count - offset)
                var inLen = n, outLen = anpi_resampler_max_output(rs, n)
                var buffer = [T](repeating: .zero, count: outLen)
                let rc = T.process(rs, src.baseAddress! + offset, &inLen, &buffer, &outLen)
                #expect(rc == ANPI_OK)
                #expect(inLen == n)
                out += buffer[..<outLen]
                offset += n
            }
        }
        return out
    }

    /// Chunk sizes covering `total`: fixed sizes 1, 7, 160, 1000 and a seeded random mix.
    static func chunkings(total: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed)
        let random = (0..<total).map { _ in Int.random(in: 1...1100, using: &rng) }
        return [[1], [7], [160], [1000]].map { Array(repeating: $0[0], count: total / $0[0] + 1) } + [random]
    }

    /// Full-scale noise with bursts of a full-scale square wave, whose overshoot clips both ways.
    static func noise16(count: Int, seed: UInt64) -> [Int16] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            (i / 500) % 2 == 1 ? ((i / 20) % 2 == 0 ? .max : .min) : Int16.random(in: .min ... .max, using: &rng)
        }
    }

    static func noiseFloat(count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float.random(in: -1.5...1.5, using: &rng) }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// A sample type the C resampler converts.
private protocol ResamplerSample: Equatable, Sendable {
    static var zero: Self { get }
    static func process(_ rs: OpaquePointer, _ input: UnsafePointer<Self>, _ inLen: inout Int,
                        _ output: UnsafeMutablePointer<Self>, _ outLen: inout Int) -> Int32
}

extension Int16: ResamplerSample {
    static func process(_ rs: OpaquePointer, _ input: UnsafePointer<Int16>, _ inLen: inout Int,
                        _ output: UnsafeMutablePointer<Int16>, _ outLen: inout Int) -> Int32 {
        anpi_resampler_process_int16(rs, input, &inLen, output, &outLen)
    }
}

extension Float: ResamplerSample {
    static func process(_ rs: OpaquePointer, _ input: UnsafePointer<Float>, _ inLen: inout Int,
                        _ output: UnsafeMutablePointer<Float>, _ outLen: inout Int) -> Int32 {
        anpi_resampler_process_float(rs, input, &inLen, output, &outLen)
    }
}

