#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throughput of each stage of the media core, measured in one run beside
/// speexdsp quality 3 and 5, plus each resampler's delay and quality.
///
/// Every stage runs on 20 ms chunks, the size a call handles, from buffers
/// allocated before timing starts. Each stage is timed in several rounds,
/// interleaved with the others so that a noisy machine hurts them alike, and
/// the best round counts.
public struct AudioBenchmark: Sendable {
    /// One timed stage.
    public struct Stage: Sendable, Codable, Equatable {
        /// e.g. "resample 8000→24000 polyphase (avx2)".
        public var name: String
        /// Input samples per second, in millions.
        public var megasamplesPerSecond: Double
        /// Nanoseconds per 20 ms chunk.
        public var nanosecondsPerChunk: Double
    }

    /// One resampler's figures.
    public struct ResamplerReport: Sendable, Codable, Equatable {
        public var path: String
        public var kind: String
        public var megasamplesPerSecond: Double
        public var delayMilliseconds: Double
        public var passbandRippleDB: Double
        public var rejectionDB: Double
        public var worstRejectionHz: Double
        /// Our throughput ÷ speexdsp q3 and q5 on the same path (polyphase rows only).
        public var speedupVsSpeexQ3: Double?
        public var speedupVsSpeexQ5: Double?
    }

    /// Everything a run measured.
    public struct Report: Sendable, Codable, Equatable {
        public var kernel: String
        public var stages: [Stage]
        public var resamplers: [ResamplerReport]
    }

    /// Seconds each round runs a stage for.
    public var roundSeconds: Double
    /// Rounds per stage.
    public var rounds: Int

    /// A benchmark of `rounds` rounds of `roundSeconds` each per stage.
    public init(roundSeconds: Double = 0.15, rounds: Int = 5) {
        self.roundSeconds = roundSeconds
        self.rounds = rounds
    }

    /// A stage under test: `work` processes one chunk of `chunkSamples` input samples.
    private struct Timed {
        var name: String
        var chunkSamples: Int
        var work: () throws -> Void
        var best = 0.0  // chunks per second
    }

    /// Runs every stage; `progress` is told the name of each stage as it starts a round.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var stages = try makeG711Stages() + makeOpusStages()
        let paths = [(8000, 24000), (24000, 8000), (8000, 16000), (16000, 8000), (16000, 24000), (24000, 16000)]
        let kinds: [Resampler.Kind] = [.polyphase, .speex(quality: 3), .speex(quality: 5)]
        var resamplerIndex: [String: Int] = [:]
        for (inRate, outRate) in paths {
            for kind in kinds {
                let name = "resample \(inRate)→\(outRate) \(kind)"
                resamplerIndex[name] = stages.count
                stages.append(try makeResamplerStage(name: name, inRate: inRate, outRate: outRate, kind: kind))
            }
        }
        let clock = ContinuousClock()
        for round in 0..<rounds {
            for i in stages.indices {
                progress("round \(round + 1)/\(rounds): \(stages[i].name)")
                var chunks = 0
                let start = clock.now
                let deadline = start.advanced(by: .milliseconds(Int64(roundSeconds * 1000)))
                while clock.now < deadline {
                    for _ in 0..<16 { try stages[i].work() }
                    chunks += 16
                }
                let elapsed = start.duration(to: clock.now)
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                stages[i].best = max(stages[i].best, Double(chunks) / seconds)
            }
        }
        func stage(_ t: Timed) -> Stage {
            Stage(name: t.name, megasamplesPerSecond: t.best * Double(t.chunkSamples) / 1e6, nanosecondsPerChunk: 1e9 / t.best)
        }
        var reports: [ResamplerReport] = []
        for (inRate, outRate) in paths {
            let path = "\(inRate)→\(outRate)"
            let rate = { (kind: Resampler.Kind) in stage(stages[resamplerIndex["resample \(path) \(kind)"]!]).megasamplesPerSecond }
            for kind in kinds {
                progress("measuring quality of \(kind) \(path)")
                let q = try ResamplerQuality.measure(inputRate: inRate, outputRate: outRate, kind: kind)
                let mine = rate(kind)
                reports.append(ResamplerReport(
                    path: path, kind: kind.description, megasamplesPerSecond: mine,
                    delayMilliseconds: q.delayMilliseconds, passbandRippleDB: q.passbandRippleDB,
                    rejectionDB: q.rejectionDB, worstRejectionHz: q.worstRejectionHz,
                    speedupVsSpeexQ3: kind == .polyphase ? mine / rate(.speex(quality: 3)) : nil,
                    speedupVsSpeexQ5: kind == .polyphase ? mine / rate(.speex(quality: 5)) : nil))
            }
        }
        let kernel = try Resampler(inputRate: 8000, outputRate: 24000).kernel.description
        return Report(kernel: kernel, stages: stages.map(stage), resamplers: reports)
    }

    /// A seeded speech-band test signal (two tones and noise), so runs are repeatable.
    static func testSignal(count: Int, sampleRate: Int) -> [Int16] {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { i in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(Int64(bitPattern: seed) >> 40) / Double(1 << 23)
            let t = Double(i) / Double(sampleRate)
            let v = 8000 * sin(2 * .pi * 440 * t) + 4000 * sin(2 * .pi * 1700 * t) + 1000 * noise
            return Int16(max(-32768, min(32767, v.rounded())))
        }
    }

    private func makeG711Stages() throws -> [Timed] {
        let pcm = Self.testSignal(count: 160, sampleRate: 8000)
        let codes = G711.encodeMulaw(pcm)
        let src = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
        _ = src.initialize(from: pcm)
        let codeBuf = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 160)
        _ = codeBuf.initialize(from: codes)
        let outCodes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 160)
        let outPCM = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
        // Leaked deliberately: a handful of bytes for the life of the benchmark process.
        return [
            Timed(name: "μ-law encode", chunkSamples: 160) { G711.encodeMulaw(UnsafeBufferPointer(src), into: outCodes) },
            Timed(name: "μ-law decode", chunkSamples: 160) { G711.decodeMulaw(UnsafeBufferPointer(codeBuf), into: outPCM) },
            Timed(name: "A-law encode", chunkSamples: 160) { G711.encodeAlaw(UnsafeBufferPointer(src), into: outCodes) },
            Timed(name: "A-law decode", chunkSamples: 160) { G711.decodeAlaw(UnsafeBufferPointer(codeBuf), into: outPCM) },
            Timed(name: "μ-law → A-law", chunkSamples: 160) { G711.mulawToAlaw(UnsafeBufferPointer(codeBuf), into: outCodes) },
        ]
    }

    private func makeOpusStages() throws -> [Timed] {
        try [8000, 16000, 24000].map { rate in
            let frame = rate / 50
            let encoder = try OpusEncoder(sampleRate: rate)
            let pcm = UnsafeMutableBufferPointer<Int16>.allocate(capacity: frame)
            _ = pcm.initialize(from: Self.testSignal(count: frame, sampleRate: rate))
            let packet = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1500)
            return Timed(name: "Opus encode \(rate / 1000) kHz", chunkSamples: frame) {
                _ = try encoder.encode(UnsafeBufferPointer(pcm), into: packet)
            }
        }
    }

    private func makeResamplerStage(name: String, inRate: Int, outRate: Int, kind: Resampler.Kind) throws -> Timed {
        let chunk = inRate / 50
        let resampler = try Resampler(inputRate: inRate, outputRate: outRate, kind: kind)
        let input = UnsafeMutableBufferPointer<Int16>.allocate(capacity: chunk)
        _ = input.initialize(from: Self.testSignal(count: chunk, sampleRate: inRate))
        let output = UnsafeMutableBufferPointer<Int16>.allocate(capacity: resampler.maximumOutput(forInput: chunk) + 64)
        return Timed(name: kind == .polyphase ? "\(name) (\(resampler.kernel))" : name, chunkSamples: chunk) {
            try resampler.process(UnsafeBufferPointer(input), into: output)
        }
    }
}
