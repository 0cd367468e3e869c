// Allocation and throughput benchmarks of MediaCore's per-frame hot paths.
//
// Every benchmark processes one 20 ms frame per logical iteration. Buffers and
// codec / resampler / jitter-buffer state are made once, in each benchmark's
// `setup`, and each run of the closure calls `benchmark.startMeasurement()`
// only after it has fetched them, so that nothing but frame processing is
// measured. `scalingFactor: .kilo` runs 1000 frames per measured iteration
// (`benchmark.scaledIterations`); the plugin divides the time and counts by
// 1000 for display, so the table reads per frame.
//
// Every benchmark here is on a path the design promises allocates nothing per
// frame, so `mallocCountTotal` carries a zero tolerance in code and a committed
// static threshold of 0 (Benchmarks/Thresholds/*.p90.json).
// `swift package benchmark thresholds check` fails when a frame allocates.
// Those thresholds compare the raw count per measured iteration, that is per
// 1000 frames, so even one allocation in 1000 frames is a failure.

import Benchmark
import MediaCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Configuration

/// No allocation at all, at every percentile (raw counts per measured iteration).
var zeroAllocations: BenchmarkThresholds {
    BenchmarkThresholds(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])
}

/// Timing tolerances for `baseline check`: runs on a shared 2-core machine
/// differ by 10-25 % from noise alone, so only larger shifts count.
var timingTolerance: BenchmarkThresholds {
    BenchmarkThresholds(relative: [.p25: 20.0, .p50: 20.0])
}

/// wall clock, throughput and malloc count; no ARC metrics (they need the Swift
/// 6.3 runtime interposer, which this package leaves out) and no OS sampling
/// thread (it could allocate while a frame is measured).
var frameMetrics: [BenchmarkMetric] { [.wallClock, .throughput, .mallocCountTotal] }

func frameConfiguration(scalingFactor: BenchmarkScalingFactor = .kilo) -> Benchmark.Configuration {
    .init(
        metrics: frameMetrics,
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        scalingFactor: scalingFactor,
        maxDuration: .seconds(1),
        maxIterations: 10_000,
        thresholds: [
            .mallocCountTotal: zeroAllocations,
            .wallClock: timingTolerance,
            .throughput: timingTolerance,
        ]
    )
}

/// Stops the benchmark process. benchmark 1.38.1 prints a failure reported
/// with `benchmark.error(_:)` (which is also what a thrown error becomes) but
/// still exits 0, even from `thresholds check`, where the failed benchmark then
/// has no results to compare. A crash of the benchmark process does fail the
/// command, so broken setup, a throwing frame or a wrong result ends here.
func fail(_ benchmark: Benchmark?, _ message: String) -> Never {
    fatalError("\(benchmark?.name ?? "setup"): \(message)")
}

/// Registers a benchmark that processes one 20 ms frame per scaled iteration:
/// `setup` builds its state once, before measurement, and `run` gets it.
func frameBenchmark<Fixture>(
    _ name: String,
    scalingFactor: BenchmarkScalingFactor = .kilo,
    run: @escaping (Benchmark, Fixture) throws -> Void,
    setup: @escaping () throws -> Fixture
) {
    Benchmark(name, configuration: frameConfiguration(scalingFactor: scalingFactor)) { benchmark, fixture in
        do {
            try run(benchmark, fixture)
        } catch {
            fail(benchmark, "\(error)")
        }
    } setup: {
        do {
            return try setup()
        } catch {
            fail(nil, "\(name): \(error)")
        }
    }
}

/// Samples in one 20 ms frame at `rate` Hz.
func frameSamples(_ rate: Int) -> Int { rate / 50 }

// MARK: - Test signal and buffers

/// A deterministic speech-band test signal: three tones plus white noise,
/// peaking near -6 dBFS, so codecs and filters do representative work.
func testSignal(rate: Int, count: Int) -> [Int16] {
    var seed: UInt32 = 0x1234_5678
    var samples = [Int16](repeating: 0, count: count)
    let tones: [(hz: Double, amplitude: Double)] = [(310, 5000), (1130, 4000), (2570, 3000)]
    for i in 0..<count {
        let t = Double(i) / Double(rate)
        var x = 0.0
        for tone in tones {
            x += tone.amplitude * sine(2 * Double.pi * tone.hz * t)
        }
        seed = seed &* 1_664_525 &+ 1_013_904_223
        x += Double(Int32(bitPattern: seed) >> 20)  // about ±2048
        samples[i] = Int16(clamping: Int(x.rounded()))
    }
    return samples
}

/// sin(x) without Foundation: reduce to [-π, π], then a Taylor series.
func sine(_ x: Double) -> Double {
    var r = x.truncatingRemainder(dividingBy: 2 * Double.pi)
    if r > Double.pi { r -= 2 * Double.pi } else if r < -Double.pi { r += 2 * Double.pi }
    let r2 = r * r
    var term = r
    var sum = r
    for n in stride(from: 2, through: 30, by: 2) {
        term *= -r2 / Double(n * (n + 1))
        sum += term
    }
    return sum
}

/// Storage made before measurement and freed when the benchmark's state goes.
final class Buffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>
    var read: UnsafeBufferPointer<Element> { UnsafeBufferPointer(pointer) }

    init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    convenience init(_ contents: [Element]) where Element: BitwiseCopyable {
        self.init(repeating: contents[0], count: contents.count)
        _ = pointer.update(fromContentsOf: contents)
    }

    deinit { pointer.deallocate() }
}

// MARK: - Fixtures

final class G711Fixture: @unchecked Sendable {
    let pcm: Buffer<Int16>
    let codes: Buffer<UInt8>
    let pcmOut: Buffer<Int16>
    let codesOut: Buffer<UInt8>

    init() {
        let n = frameSamples(8000)
        let signal = testSignal(rate: 8000, count: n)
        pcm = Buffer(signal)
        codes = Buffer(G711.encodeMulaw(signal))
        pcmOut = Buffer(repeating: 0, count: n)
        codesOut = Buffer(repeating: 0, count: n)
    }
}

struct BenchmarkSetupError: Error, CustomStringConvertible {
    var description: String
}

final class ResamplerFixture: @unchecked Sendable {
    let resampler: Resampler
    let input: Buffer<Int16>
    let output: Buffer<Int16>

    init(inputRate: Int, outputRate: Int, kind: Resampler.Kind) throws {
        resampler = try Resampler(inputRate: inputRate, outputRate: outputRate, kind: kind)
        let n = frameSamples(inputRate)
        input = Buffer(testSignal(rate: inputRate, count: n))
        output = Buffer(repeating: 0, count: resampler.maximumOutput(forInput: n))
        // Ten frames through before timing: the resampler must take a whole frame per
        // call, and its filter history is primed as in a running call.
        for _ in 0..<10 {
            let (consumed, _) = try resampler.process(input.read, into: output.pointer)
            guard consumed == n else {
                throw BenchmarkSetupError(description: "\(kind) \(inputRate)→\(outputRate) consumed \(consumed) of \(n) samples")
            }
        }
    }
}

final class OpusFixture: @unchecked Sendable {
    let encoder: OpusEncoder
    /// 50 distinct frames (1 s) cycled through, so the encoder sees changing audio.
    let frames: Buffer<Int16>
    let frameCount = 50
    let packet: Buffer<UInt8>
    var next = 0

    init(sampleRate: Int) throws {
        encoder = try OpusEncoder(sampleRate: sampleRate)
        frames = Buffer(testSignal(rate: sampleRate, count: frameSamples(sampleRate) * frameCount))
        packet = Buffer(repeating: 0, count: 1275)  // the largest Opus packet
    }

    /// Encodes the next frame; returns the packet length.
    @inline(__always)
    func encodeNext() throws -> Int {
        let n = encoder.frameSamples
        let frame = UnsafeBufferPointer(rebasing: frames.pointer[(next * n)..<((next + 1) * n)])
        next = next + 1 == frameCount ? 0 : next + 1
        return try encoder.encode(frame, into: packet.pointer)
    }
}

/// Twilio-style inbound stream: 160-byte μ-law frames, 20 ms apart, chunk numbers 1, 2, 3…
final class JitterFixture: @unchecked Sendable {
    let jitter: JitterBuffer
    let frame: Buffer<UInt8>
    let output: Buffer<UInt8>
    var timestamp: UInt32 = 0
    var chunk: UInt32 = 1
    var popped = 0

    init() throws {
        jitter = try JitterBuffer()
        frame = Buffer(G711.encodeMulaw(testSignal(rate: 8000, count: 160)))
        output = Buffer(repeating: 0, count: jitter.frameBytes)
    }

    /// Pushes the frame stamped (timestamp, chunk), arriving at `now`.
    @inline(__always)
    func push(timestamp: UInt32, chunk: UInt32, now: UInt64) throws {
        try jitter.push(frame.read, timestamp: timestamp, chunk: chunk, now: now)
    }

    /// Outside measurement: every pushed frame came out once, as a received frame.
    func verify(_ benchmark: Benchmark, pushed: Int) {
        let stats = jitter.statistics
        if popped != pushed || stats.filled != 0 || stats.late != 0 || stats.lost != 0 {
            fail(
                benchmark,
                "jitter buffer: pushed \(pushed), popped \(popped), filled \(stats.filled), late \(stats.late), lost \(stats.lost)")
        }
    }

    /// Pops everything due at `now`; returns how many frames came out.
    @inline(__always)
    func drain(now: UInt64) -> Int {
        var count = 0
        while jitter.pop(now: now, into: output.pointer) != .empty { count += 1 }
        return count
    }
}

/// Model audio in, paced 20 ms frames out, a mark echo for each frame.
final class FramerFixture: @unchecked Sendable {
    let framer: PlayoutFramer
    let delta: Buffer<UInt8>
    let output: Buffer<UInt8>
    let item: UInt32 = 1
    var now: UInt64 = 0
    var pushed = 0
    var frames = 0

    /// Outside measurement: one frame out per 20 ms pushed, and all of it marked played.
    func verify(_ benchmark: Benchmark) {
        let sent = framer.sentMilliseconds(item: item)
        let played = framer.playedMilliseconds(item: item)
        if frames != pushed || Int(sent) != 20 * pushed || played != sent {
            fail(benchmark, "playout framer: pushed \(pushed), frames \(frames), sent \(sent) ms, played \(played) ms")
        }
    }

    init() throws {
        framer = try PlayoutFramer()
        delta = Buffer(G711.encodeMulaw(testSignal(rate: 8000, count: 160)))
        output = Buffer(repeating: 0, count: framer.frameBytes)
    }
}

/// Inbound call audio: jitter buffer → μ-law decode → 8000→24000 Hz.
final class InboundFixture: @unchecked Sendable {
    let jitter: JitterFixture
    let pcm8k: Buffer<Int16>
    let resampler: Resampler
    let pcm24k: Buffer<Int16>

    init() throws {
        jitter = try JitterFixture()
        pcm8k = Buffer(repeating: 0, count: 160)
        resampler = try Resampler(inputRate: 8000, outputRate: 24000, kind: .polyphase)
        pcm24k = Buffer(repeating: 0, count: resampler.maximumOutput(forInput: 160))
    }
}

/// Outbound model audio: 24000→8000 Hz → μ-law encode → playout framer.
final class OutboundFixture: @unchecked Sendable {
    let resampler: Resampler
    let pcm24k: Buffer<Int16>
    let pcm8k: Buffer<Int16>
    let mulaw: Buffer<UInt8>
    let framer: FramerFixture

    init() throws {
        resampler = try Resampler(inputRate: 24000, outputRate: 8000, kind: .polyphase)
        pcm24k = Buffer(testSignal(rate: 24000, count: 480))
        pcm8k = Buffer(repeating: 0, count: resampler.maximumOutput(forInput: 480))
        mulaw = Buffer(repeating: 0, count: pcm8k.pointer.count)
        framer = try FramerFixture()
    }
}

// MARK: - Benchmarks
//
// Names have no spaces or slashes: benchmark 1.38.1 writes threshold files with
// those replaced by "_" but looks them up by the raw name, so a name with a
// space never finds its committed threshold.

let benchmarks: @Sendable () -> Void = {
    // Positive control: exactly one malloc per frame. Its committed threshold
    // (1000 per measured iteration of 1000 frames) fails the check if the
    // malloc interposer is not active, so the zeros below cannot pass vacuously.
    var controlConfiguration = frameConfiguration()
    controlConfiguration.thresholds = [.mallocCountTotal: zeroAllocations]
    Benchmark("Control-one-malloc-per-frame", configuration: controlConfiguration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let p = malloc(64)
            blackHole(p)
            free(p)
        }
    }

    // G.711, 160 samples (20 ms at 8 kHz).

    frameBenchmark("G711-mulaw-encode-160") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            G711.encodeMulaw(f.pcm.read, into: f.codesOut.pointer)
        }
        blackHole(f.codesOut.pointer[0])
    } setup: {
        G711Fixture()
    }

    frameBenchmark("G711-mulaw-decode-160") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            G711.decodeMulaw(f.codes.read, into: f.pcmOut.pointer)
        }
        blackHole(f.pcmOut.pointer[0])
    } setup: {
        G711Fixture()
    }

    frameBenchmark("G711-alaw-encode-160") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            G711.encodeAlaw(f.pcm.read, into: f.codesOut.pointer)
        }
        blackHole(f.codesOut.pointer[0])
    } setup: {
        G711Fixture()
    }

    frameBenchmark("G711-alaw-decode-160") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            G711.decodeAlaw(f.codes.read, into: f.pcmOut.pointer)  // any byte is a valid A-law code
        }
        blackHole(f.pcmOut.pointer[0])
    } setup: {
        G711Fixture()
    }

    frameBenchmark("G711-mulaw-to-alaw-160") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            G711.mulawToAlaw(f.codes.read, into: f.codesOut.pointer)
        }
        blackHole(f.codesOut.pointer[0])
    } setup: {
        G711Fixture()
    }

    // Resampler, int16, one 20 ms frame per call, state kept across frames.

    let resamplerCases: [(name: String, inputRate: Int, outputRate: Int, kind: Resampler.Kind)] = [
        ("Resample-8k-24k-polyphase-160in", 8000, 24000, .polyphase),
        ("Resample-8k-24k-speex-q5-160in", 8000, 24000, .speex(quality: 5)),
        ("Resample-24k-8k-polyphase-480in", 24000, 8000, .polyphase),
        ("Resample-24k-8k-speex-q5-480in", 24000, 8000, .speex(quality: 5)),
    ]
    for c in resamplerCases {
        frameBenchmark(c.name) { benchmark, f in
            benchmark.startMeasurement()
            var produced = 0
            for _ in benchmark.scaledIterations {
                produced &+= try f.resampler.process(f.input.read, into: f.output.pointer).produced
            }
            blackHole(produced)
        } setup: {
            try ResamplerFixture(inputRate: c.inputRate, outputRate: c.outputRate, kind: c.kind)
        }
    }

    // Opus, one 20 ms frame at 8 kHz per iteration (tens of µs, so 1 frame per measured iteration).

    frameBenchmark("Opus-encode-8k-20ms", scalingFactor: .one) { benchmark, f in
        benchmark.startMeasurement()
        var bytes = 0
        for _ in benchmark.scaledIterations {
            bytes &+= try f.encodeNext()
        }
        blackHole(bytes)
    } setup: {
        try OpusFixture(sampleRate: 8000)
    }

    // Jitter buffer: push one inbound frame, pop what is due.

    frameBenchmark("JitterBuffer-push-pop-in-order") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let now = UInt64(f.timestamp)
            try f.push(timestamp: f.timestamp, chunk: f.chunk, now: now)
            f.popped &+= f.drain(now: now)
            f.timestamp &+= 20
            f.chunk &+= 1
        }
        benchmark.stopMeasurement()
        f.verify(benchmark, pushed: Int(f.chunk &- 1))
    } setup: {
        try JitterFixture()
    }

    // Every pair of frames arrives swapped (chunk n+1 before n): the first
    // push of a pair leaves a gap and pops nothing, the second releases both.
    frameBenchmark("JitterBuffer-push-pop-reordered-pairs") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // f.chunk counts frames pushed; odd ones carry the later frame of their pair.
            let first = f.chunk & 1 == 1
            let chunk = first ? f.chunk &+ 1 : f.chunk &- 1
            let timestamp = (chunk &- 1) &* 20
            let now = UInt64(first ? timestamp : timestamp &+ 20)
            try f.push(timestamp: timestamp, chunk: chunk, now: now)
            f.popped &+= f.drain(now: now)
            f.chunk &+= 1
        }
        benchmark.stopMeasurement()
        f.verify(benchmark, pushed: Int(f.chunk &- 1))  // 1000 pushes a run: whole pairs
    } setup: {
        try JitterFixture()
    }

    // Playout framer: queue one 20 ms delta, send the frame that is due, echo its mark.

    frameBenchmark("PlayoutFramer-push-pop-mark") { benchmark, f in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try f.framer.push(f.delta.read, item: f.item)
            f.pushed &+= 1
            while let frame = f.framer.pop(now: f.now, into: f.output.pointer) {
                f.frames &+= 1
                if frame.mark {
                    f.framer.markPlayed(
                        item: frame.item, sentMilliseconds: frame.itemSentMilliseconds, generation: frame.generation,
                        now: f.now)
                }
            }
            f.now &+= 20
        }
        benchmark.stopMeasurement()
        f.verify(benchmark)
    } setup: {
        try FramerFixture()
    }

    // End to end, per 20 ms frame.

    frameBenchmark("Pipeline-inbound-jitter-decode-resample") { benchmark, f in
        benchmark.startMeasurement()
        var produced = 0
        let j = f.jitter
        for _ in benchmark.scaledIterations {
            let now = UInt64(j.timestamp)
            try j.push(timestamp: j.timestamp, chunk: j.chunk, now: now)
            while j.jitter.pop(now: now, into: j.output.pointer) != .empty {
                G711.decodeMulaw(j.output.read, into: f.pcm8k.pointer)
                produced &+= try f.resampler.process(f.pcm8k.read, into: f.pcm24k.pointer).produced
            }
            j.timestamp &+= 20
            j.chunk &+= 1
        }
        blackHole(produced)
    } setup: {
        try InboundFixture()
    }

    frameBenchmark("Pipeline-outbound-resample-encode-framer") { benchmark, f in
        benchmark.startMeasurement()
        var frames = 0
        let p = f.framer
        for _ in benchmark.scaledIterations {
            let made = try f.resampler.process(f.pcm24k.read, into: f.pcm8k.pointer).produced
            let pcm = UnsafeBufferPointer(rebasing: f.pcm8k.pointer[0..<made])
            let codes = UnsafeMutableBufferPointer(rebasing: f.mulaw.pointer[0..<made])
            G711.encodeMulaw(pcm, into: codes)
            try p.framer.push(UnsafeBufferPointer(codes), item: p.item)
            while let frame = p.framer.pop(now: p.now, into: p.output.pointer) {
                frames &+= 1
                if frame.mark {
                    p.framer.markPlayed(
                        item: frame.item, sentMilliseconds: frame.itemSentMilliseconds, generation: frame.generation,
                        now: p.now)
                }
            }
            p.now &+= 20
        }
        blackHole(frames)
    } setup: {
        try OutboundFixture()
    }
}
