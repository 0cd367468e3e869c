import CAnpiMedia
import Testing

/// What anpi_jitter_pop returned.
enum JitterPop: Equatable {
    case empty, frame, fill, late, error(Int32)

    init(_ rc: Int32) {
        switch rc {
        case Int32(ANPI_JITTER_EMPTY.rawValue): self = .empty
        case Int32(ANPI_JITTER_FRAME.rawValue): self = .frame
        case Int32(ANPI_JITTER_FILL.rawValue): self = .fill
        case Int32(ANPI_JITTER_LATE.rawValue): self = .late
        default: self = .error(rc)
        }
    }
}

extension anpi_jitter_config {
    /// The C defaults, optionally changed.
    static func standard(_ change: (inout anpi_jitter_config) -> Void = { _ in }) -> anpi_jitter_config {
        var cfg = anpi_jitter_config()
        anpi_jitter_config_default(&cfg)
        change(&cfg)
        return cfg
    }
}

/// A trace replayed through a jitter buffer on a virtual clock, as the call
/// bridge drives it: push each frame when it arrives and pop until empty, and
/// pop again at every deadline the buffer names in between.
struct JitterReplay {
    struct Output {
        var pop: JitterPop
        var time: UInt64
        /// anpi_jitter_next_timestamp_ms read just before the pop.
        var timestamp: UInt32
        var bytes: [UInt8]
        var chunk: UInt32 { NetworkTrace.chunk(of: bytes) }
    }

    var outputs: [Output] = []
    var stats = anpi_jitter_stats()
    /// Deadlines at which pop produced nothing (there should be none).
    var idleDeadlines = 0
    var pushErrors: [Int32] = []

    init(_ frames: [InboundFrame], config: anpi_jitter_config = .standard()) {
        var cfg = config, err: Int32 = 0
        let jb = anpi_jitter_create(&cfg, &err)!
        defer { anpi_jitter_destroy(jb) }
        var out = [UInt8](repeating: 0, count: Int(cfg.frame_ms) * 8)
        var now: UInt64 = 0, outputs: [Output] = []

        func drain() -> Int {
            var count = 0
            while true {
                let timestamp = anpi_jitter_next_timestamp_ms(jb)
                let pop = JitterPop(anpi_jitter_pop(jb, now, &out, out.count))
                if pop == .empty { return count }
                outputs.append(Output(pop: pop, time: now, timestamp: timestamp, bytes: out))
                count += 1
            }
        }

        for frame in frames.map(Optional.some) + [nil] {
            // Deadlines before this arrival (after the last one: all of them).
            let until = frame?.arrival ?? .max
            while case let deadline = anpi_jitter_next_deadline_ms(jb), deadline != .max, deadline <= until {
                now = max(now, deadline)
                if drain() == 0 {
                    idleDeadlines += 1
                    break
                }
            }
            guard let frame else { break }
            now = max(now, frame.arrival)
            let rc = frame.payload.withUnsafeBufferPointer {
                anpi_jitter_push(jb, frame.timestamp, frame.chunk, $0.baseAddress, $0.count, now)
            }
            if rc != ANPI_OK { pushErrors.append(rc) }
            _ = drain()
        }
        anpi_jitter_get_stats(jb, &stats)
        self.outputs = outputs
    }

    func count(_ pop: JitterPop) -> Int { outputs.filter { $0.pop == pop }.count }

    /// Pop time − arrival of every received frame that came out as FRAME.
    func addedDelays(_ trace: NetworkTrace) -> [UInt32: UInt64] {
        let arrivals = trace.arrivals
        return outputs.filter { $0.pop == .frame }.reduce(into: [:]) { $0[$1.chunk] = $1.time - arrivals[$1.chunk]! }
    }
}

/// Checks every trace of whole 20 ms frames must pass: each received frame out
/// exactly once, FRAMEs in order, each at its own timestamp and held at most
/// max_wait_ms, a contiguous timeline broken only by resyncs, fill made of
/// silence, and counters that add up.
func expectIntact(_ r: JitterReplay, _ trace: NetworkTrace, resyncs: Int = 0,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    let out = r.outputs.filter { $0.pop == .frame || $0.pop == .late }.map(\.chunk)
    #expect(out.count == Set(out).count, "a frame came out twice", sourceLocation: sourceLocation)
    #expect(Set(out) == trace.receivedChunks, "received ≠ delivered", sourceLocation: sourceLocation)
    let misplaced = r.outputs.filter { $0.pop == .frame && $0.timestamp != trace.timestamps[$0.chunk] }
    #expect(misplaced.isEmpty, "frames off their timestamp: \(misplaced.prefix(3).map(\.chunk))", sourceLocation: sourceLocation)
    let order = r.outputs.filter { $0.pop == .frame }.map(\.chunk)
    #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 }, "frames out of order", sourceLocation: sourceLocation)
    #expect(r.addedDelays(trace).values.allSatisfy { $0 <= 20 }, "held beyond max_wait_ms", sourceLocation: sourceLocation)
    let line = r.outputs.filter { $0.pop != .late }.map(\.timestamp)
    let breaks = zip(line, line.dropFirst()).filter { $1 != $0 &+ 20 }.count
    #expect(breaks == resyncs, "timeline breaks", sourceLocation: sourceLocation)
    #expect(r.stats.resyncs == UInt64(resyncs), sourceLocation: sourceLocation)
    #expect(r.outputs.filter { $0.pop == .fill }.allSatisfy { $0.bytes.allSatisfy { $0 == 0xFF } }, sourceLocation: sourceLocation)
    #expect(!r.outputs.contains { if case .error = $0.pop { true } else { false } }, sourceLocation: sourceLocation)
    #expect(r.stats.received == UInt64(trace.frames.count), sourceLocation: sourceLocation)
    #expect(r.stats.duplicates == UInt64(trace.frames.filter(\.duplicate).count), sourceLocation: sourceLocation)
    #expect(r.stats.delivered == UInt64(r.outputs.count), sourceLocation: sourceLocation)
    #expect(r.stats.filled == UInt64(r.count(.fill)), sourceLocation: sourceLocation)
    #expect(r.stats.late == UInt64(r.count(.late)), sourceLocation: sourceLocation)
    #expect(r.idleDeadlines == 0, sourceLocation: sourceLocation)
    #expect(r.pushErrors.isEmpty, sourceLocation: sourceLocation)
}

@Suite struct JitterBufferTests {
    // MARK: network conditions

    @Test(arguments: [10.0, 30.0], [UInt64(1), 2, 3])
    func exponentialJitterPassesStraightThrough(meanMs: Double, seed: UInt64) {
        let trace = NetworkTrace(seed: seed, TraceShape(count: 1500, meanJitterMs: meanMs))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        // TCP keeps the order, so every frame is contiguous on arrival: no wait, no fill.
        #expect(r.addedDelays(trace).values.allSatisfy { $0 == 0 })
        #expect(r.stats.filled_ms == 0 && r.stats.lost == 0 && r.stats.reordered == 0)
        #expect(r.stats.max_depth_ms == 20)
        #expect(r.outputs.map(\.chunk) == Array(1...1500))
    }

    @Test func senderClockOnePercentFastDoesNotAccumulate() {
        let trace = NetworkTrace(seed: 7, TraceShape(count: 3000, meanJitterMs: 10, clockRate: 1.01))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        // 60 s at 1 % fast is 600 ms early by the end; nothing piles up.
        #expect(trace.sendTimes[3000]! < 1000 + 2999 * 20 - 550)
        #expect(r.addedDelays(trace).values.allSatisfy { $0 == 0 })
        #expect(r.stats.max_depth_ms == 20)
    }

    @Test func tcpStallWaitsWithoutFillThenDeliversTheBurst() {
        let trace = NetworkTrace(seed: 11, TraceShape(count: 400, meanJitterMs: 10, stalls: [(start: 3000, ms: 300)]))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.filled_ms == 0 && r.stats.lost == 0)
        // Everything held by the stall comes out the moment it ends, in order.
        let burst = r.outputs.filter { $0.time == 3300 }
        #expect(burst.count == trace.frames.filter { $0.arrival == 3300 }.count && burst.count >= 10)
        #expect(burst.map(\.chunk) == Array(burst[0].chunk..<(burst[0].chunk + UInt32(burst.count))))
        #expect(r.addedDelays(trace).values.allSatisfy { $0 == 0 })
        // Against the sender's schedule only the stalled frames are late.
        let schedule = r.outputs.filter { $0.pop == .frame && ($0.time < 3000 || $0.time > 3400) }
        #expect(schedule.allSatisfy { $0.time - trace.sendTimes[$0.chunk]! < 200 })
    }

    @Test func stallAddsNoFillEvenAfterMaxWait() throws {
        let jb = try #require(anpi_jitter_create(nil, nil))
        defer { anpi_jitter_destroy(jb) }
        var out = [UInt8](repeating: 0, count: 160)
        #expect(anpi_jitter_push(jb, 0, 1, NetworkTrace.payload(chunk: 1, length: 160), 160, 0) == ANPI_OK)
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame)
        #expect(anpi_jitter_next_deadline_ms(jb) == .max)
        #expect(JitterPop(anpi_jitter_pop(jb, 5000, &out, 160)) == .empty)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 20)
        #expect(anpi_jitter_push(jb, 20, 2, NetworkTrace.payload(chunk: 2, length: 160), 160, 5000) == ANPI_OK)
        #expect(JitterPop(anpi_jitter_pop(jb, 5000, &out, 160)) == .frame)
        #expect(NetworkTrace.chunk(of: out) == 2)
    }

    @Test func burstsAtFiveTimesRealTime() {
        let trace = NetworkTrace(seed: 5, TraceShape(count: 1000, meanJitterMs: 10, burst: 100..<400, burstSpeed: 5))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.addedDelays(trace).values.allSatisfy { $0 == 0 })
        #expect(r.stats.filled_ms == 0)
    }

    @Test(arguments: [UInt64(1), 2])
    func duplicatesAreDroppedAndCounted(seed: UInt64) {
        let dups = Set(stride(from: UInt32(3), through: 600, by: 7))
        let trace = NetworkTrace(seed: seed, TraceShape(count: 600, meanJitterMs: 10, duplicated: dups))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.duplicates == UInt64(dups.count))
        #expect(r.stats.received == UInt64(600 + dups.count))
        #expect(r.outputs.count == 600)
    }

    @Test func reorderingWithinTheWaitIsRepaired() {
        var rng = SplitMix64(seed: 3)
        var overtaken: [UInt32: UInt64] = [:]
        for chunk in stride(from: UInt32(5), to: 995, by: 10) { overtaken[chunk] = 1 + UInt64(rng.below(19)) }
        let trace = NetworkTrace(seed: 3, TraceShape(count: 1000, overtaken: overtaken))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.reordered == UInt64(overtaken.count))
        #expect(r.stats.late == 0 && r.stats.filled_ms == 0 && r.stats.lost == 0)
        #expect(r.outputs.map(\.chunk) == Array(1...1000))
        // The frame behind the hole waited, but never more than max_wait_ms.
        let delays = r.addedDelays(trace)
        #expect(delays.values.allSatisfy { $0 <= 20 })
        #expect(delays.values.contains { $0 > 0 })
    }

    @Test(arguments: [0.0, 10.0, 30.0])
    func lostChunksAreFilledAfterTheWait(meanMs: Double) {
        let lost = Set(stride(from: UInt32(25), to: 1000, by: 25))
        let trace = NetworkTrace(seed: 9, TraceShape(count: 1000, meanJitterMs: meanMs, lost: lost))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.lost == UInt64(lost.count))
        #expect(r.stats.filled == UInt64(lost.count) && r.stats.filled_ms == UInt64(20 * lost.count))
        let fills = r.outputs.filter { $0.pop == .fill }.map(\.timestamp)
        #expect(fills == lost.sorted().map { trace.timestamps[$0]! })
        #expect(r.addedDelays(trace).values.allSatisfy { $0 <= 20 })
        if meanMs == 0 {
            // Without jitter the frame after each hole waits exactly max_wait_ms.
            #expect(lost.allSatisfy { r.addedDelays(trace)[$0 + 1] == 20 })
        }
    }

    @Test func lateFrameAfterFillComesOutAsLateWithoutMovingTheTimeline() {
        let overtaken: [UInt32: UInt64] = [50: 45, 120: 30, 300: 200]
        let trace = NetworkTrace(seed: 4, TraceShape(count: 400, overtaken: overtaken))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.late == 3 && r.count(.late) == 3)
        #expect(r.stats.filled == 3)
        #expect(r.stats.lost == 0)  // each was counted lost, then arrived
        let arrivals = trace.arrivals
        for late in r.outputs where late.pop == .late {
            #expect(overtaken[late.chunk] != nil)
            #expect(late.time == arrivals[late.chunk])  // at once
            #expect(late.timestamp == trace.timestamps[late.chunk])
        }
        // The fill stands where each late frame belonged.
        #expect(r.outputs.filter { $0.pop == .fill }.map(\.timestamp) == overtaken.keys.sorted().map { trace.timestamps[$0]! })
    }

    @Test func lateFrameStepByStep() throws {
        let jb = try #require(anpi_jitter_create(nil, nil))
        defer { anpi_jitter_destroy(jb) }
        var out = [UInt8](repeating: 0, count: 160)
        func push(_ chunk: UInt32, at now: UInt64) -> Int32 {
            anpi_jitter_push(jb, (chunk - 1) * 20, chunk, NetworkTrace.payload(chunk: chunk, length: 160), 160, now)
        }
        func pop(_ now: UInt64) -> JitterPop { JitterPop(anpi_jitter_pop(jb, now, &out, out.count)) }
        for chunk in UInt32(1)...3 {
            #expect(push(chunk, at: UInt64(chunk) * 20) == ANPI_OK)
            #expect(pop(UInt64(chunk) * 20) == .frame)
        }
        #expect(push(5, at: 100) == ANPI_OK)  // 4 is missing
        #expect(pop(100) == .empty)
        #expect(anpi_jitter_next_deadline_ms(jb) == 120)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 60)
        #expect(pop(119) == .empty)
        #expect(pop(120) == .fill)
        #expect(out.allSatisfy { $0 == ANPI_ULAW_SILENCE })
        #expect(pop(120) == .frame && NetworkTrace.chunk(of: out) == 5)
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(jb, &s)
        #expect(s.lost == 1 && s.filled == 1 && s.filled_ms == 20)

        #expect(push(4, at: 130) == ANPI_OK)
        #expect(anpi_jitter_next_deadline_ms(jb) == 0)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 60)
        #expect(pop(130) == .late && NetworkTrace.chunk(of: out) == 4)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 100)  // the timeline did not move
        #expect(push(4, at: 131) == ANPI_OK)  // and again: a duplicate now
        #expect(pop(131) == .empty)
        anpi_jitter_get_stats(jb, &s)
        #expect(s.lost == 0 && s.late == 1 && s.duplicates == 1 && s.reordered == 1 && s.delivered == 6)
        #expect(push(6, at: 140) == ANPI_OK)
        #expect(pop(140) == .frame && NetworkTrace.chunk(of: out) == 6)
    }

    // MARK: timestamp jumps

    @Test func smallForwardJumpIsFilledAtOnce() {
        let trace = NetworkTrace(seed: 1, TraceShape(count: 300, meanJitterMs: 10, timestampJumps: [100: 200]))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace)
        #expect(r.stats.filled == 10 && r.stats.filled_ms == 200 && r.stats.lost == 0)
        // The next chunk is in sequence: Twilio skipped silence, nothing to wait for.
        #expect(r.addedDelays(trace).values.allSatisfy { $0 == 0 })
        let fills = r.outputs.filter { $0.pop == .fill }
        let expected: [UInt32] = (0..<10).map { 1980 + 20 * $0 }
        #expect(fills.map(\.timestamp) == expected)
        #expect(fills.allSatisfy { $0.time == trace.arrivals[100] })
    }

    @Test func jumpBeyondMaxFillResynchronises() {
        let trace = NetworkTrace(seed: 2, TraceShape(count: 300, meanJitterMs: 10, timestampJumps: [100: 20_000]))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace, resyncs: 1)
        #expect(r.stats.filled_ms == 0)
        #expect(r.outputs[99].timestamp == 99 * 20 + 20_000)
    }

    @Test func jumpJustInsideMaxFillIsFilled() {
        let config = anpi_jitter_config.standard { $0.max_fill_ms = 1000 }
        let trace = NetworkTrace(seed: 2, TraceShape(count: 200, timestampJumps: [50: 1000, 150: 1020]))
        let r = JitterReplay(trace.frames, config: config)
        expectIntact(r, trace, resyncs: 1)
        #expect(r.stats.filled_ms == 1000 && r.stats.filled == 50)
    }

    @Test func backwardStepResynchronises() {
        let trace = NetworkTrace(seed: 3, TraceShape(count: 300, firstTimestamp: 10_000, meanJitterMs: 10,
                                                     timestampJumps: [100: -5000, 200: -20]))
        let r = JitterReplay(trace.frames)
        expectIntact(r, trace, resyncs: 2)
        #expect(r.stats.filled_ms == 0 && r.stats.late == 0)
        #expect(r.outputs.map(\.chunk) == Array(1...300))
    }

    @Test func firstChunksMissingStartsAfterTheWait() {
        let trace = NetworkTrace(seed: 6, TraceShape(count: 100, lost: [1, 2], overtaken: [3: 40]))
        let r = JitterReplay(trace.frames)
        // Chunk 4 arrives first; nothing earlier comes within max_wait_ms, so the timeline starts at it.
        #expect(r.outputs.first?.pop == .frame && r.outputs.first?.chunk == 4)
        #expect(r.outputs.first?.time == trace.arrivals[4]! + 20)
        #expect(r.stats.late == 1 && r.stats.lost == 0 && r.stats.filled == 0)
        #expect(r.outputs.first { $0.pop == .late }?.chunk == 3)
    }

    // MARK: lengths and content

    @Test(arguments: [8, 56, 152, 168, 1000, 4000])
    func anyLengthIsReframedIntoExactFrames(length: Int) {
        let trace = NetworkTrace(seed: 8, TraceShape(count: 200, firstTimestamp: 5, length: { _ in length }, meanJitterMs: 10))
        let r = JitterReplay(trace.frames)
        let input = (1...200).flatMap { NetworkTrace.payload(chunk: UInt32($0), length: length) }
        let output = r.outputs.flatMap(\.bytes)
        #expect(r.outputs.allSatisfy { $0.pop == .frame && $0.bytes.count == 160 })
        #expect(output.count == input.count / 160 * 160)
        #expect(output == Array(input.prefix(output.count)))
        #expect(r.outputs.map(\.timestamp) == (0..<r.outputs.count).map { 5 + 20 * UInt32($0) })
    }

    @Test func gapOffTheFrameGridSharesAFrame() throws {
        // 20 ms frames from 0, then Twilio skips 5 ms: frame [100, 120) is 5 ms fill + 15 ms audio.
        let jb = try #require(anpi_jitter_create(nil, nil))
        defer { anpi_jitter_destroy(jb) }
        var out = [UInt8](repeating: 0, count: 160)
        for chunk in UInt32(1)...5 {
            #expect(anpi_jitter_push(jb, (chunk - 1) * 20, chunk, NetworkTrace.payload(chunk: chunk, length: 160), 160, 0) == ANPI_OK)
        }
        let six = NetworkTrace.payload(chunk: 6, length: 160), seven = NetworkTrace.payload(chunk: 7, length: 160)
        #expect(anpi_jitter_push(jb, 105, 6, six, 160, 0) == ANPI_OK)
        #expect(anpi_jitter_push(jb, 125, 7, seven, 160, 0) == ANPI_OK)
        for _ in 0..<5 { #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame) }
        #expect(anpi_jitter_next_timestamp_ms(jb) == 100)
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame)
        #expect(Array(out.prefix(40)) == [UInt8](repeating: 0xFF, count: 40))
        #expect(Array(out.suffix(120)) == Array(six.prefix(120)))
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame)
        #expect(out == Array(six.suffix(40) + seven.prefix(120)))
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .empty)  // 5 ms of 7 wait for more
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(jb, &s)
        #expect(s.filled == 0 && s.filled_ms == 5 && s.max_depth_ms == 140)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomisedTraceKeepsEveryByteOnce(seed: UInt64) {
        // Random lengths, jitter, losses, duplicates and a few very late frames.
        var rng = SplitMix64(seed: seed)
        var lengths: [UInt32: Int] = [:], lost: Set<UInt32> = [], dups: Set<UInt32> = [], overtaken: [UInt32: UInt64] = [:]
        for chunk in UInt32(1)...1500 {
            lengths[chunk] = 8 * (1 + rng.below(20))
            if chunk > 5 && chunk < 1495 && rng.below(40) == 0 { lost.insert(chunk) }
            if rng.below(30) == 0 { dups.insert(chunk) }
            if chunk > 5 && chunk < 1495 && rng.below(60) == 0 { overtaken[chunk] = UInt64(rng.below(80)) }
        }
        overtaken = overtaken.filter { !lost.contains($0.key) && !lost.contains($0.key + 1) }
        let trace = NetworkTrace(seed: seed, TraceShape(count: 1500, firstTimestamp: 1000, length: { lengths[$0]! },
                                                        meanJitterMs: 10, lost: lost, duplicated: dups, overtaken: overtaken))
        let r = JitterReplay(trace.frames)
        #expect(r.idleDeadlines == 0 && r.pushErrors.isEmpty)

        // LATE frames (each ≤ 160 bytes here) come out whole, once each.
        let late = r.outputs.filter { $0.pop == .late }.map(\.chunk)
        #expect(late.count == Set(late).count)
        #expect(Set(late).isSubset(of: Set(overtaken.keys)))
        // The rest comes out in timestamp order, fill being the only 0xFF.
        let received = trace.receivedChunks.subtracting(late).sorted()
        let expected = received.flatMap { NetworkTrace.payload(chunk: $0, length: lengths[$0]!) }
        let got = r.outputs.filter { $0.pop != .late }.flatMap { $0.bytes.filter { $0 != 0xFF } }
        #expect(expected.count - got.count < 160)
        #expect(got == Array(expected.prefix(got.count)))
        // Counters.
        #expect(r.stats.lost == UInt64(lost.count))
        #expect(r.stats.late == UInt64(late.count))
        #expect(r.stats.duplicates == UInt64(trace.frames.filter(\.duplicate).count))
        #expect(r.stats.resyncs == 0)
        #expect(r.stats.filled_ms == UInt64(lost.union(late).map { lengths[$0]! / 8 }.reduce(0, +)))
        #expect(r.stats.delivered == UInt64(r.outputs.count))
    }

    @Test func concealmentFadesTheLastFrameThenSilence() {
        let tone: [UInt8] = (0..<160).map { anpi_ulaw_encode_ref(Int16(8000 * ($0 % 16 < 8 ? 1 : -1))) }
        var frames: [InboundFrame] = []
        for chunk in UInt32(1)...10 where chunk != 5 && chunk != 6 {
            frames.append(InboundFrame(timestamp: (chunk - 1) * 20, chunk: chunk, length: 160, arrival: UInt64(chunk) * 20))
        }
        for conceal: Int32 in [0, 1] {
            let jb = anpi_jitter_create([anpi_jitter_config.standard { $0.conceal = conceal }], nil)!
            defer { anpi_jitter_destroy(jb) }
            var out = [UInt8](repeating: 0, count: 160), fills: [[UInt8]] = []
            for f in frames {
                #expect(anpi_jitter_push(jb, f.timestamp, f.chunk, tone, 160, f.arrival) == ANPI_OK)
                while case let pop = JitterPop(anpi_jitter_pop(jb, f.arrival + 20, &out, 160)), pop != .empty {
                    if pop == .fill { fills.append(out) }
                }
            }
            #expect(fills.count == 2)
            #expect(fills[1].allSatisfy { $0 == 0xFF })
            let level = fills[0].map { abs(Int(anpi_ulaw_decode_ref($0))) }
            if conceal == 1 {
                #expect(fills[0][0] == tone[0])
                #expect(level.prefix(40).reduce(0, +) > 3 * level.suffix(40).reduce(0, +))
                #expect(level.suffix(8).allSatisfy { $0 < 600 })
            } else {
                #expect(level.allSatisfy { $0 == 0 })
            }
        }
    }

    // MARK: capacity, reset, arguments

    @Test func capacityGivesSpaceAndRecovers() throws {
        let jb = try #require(anpi_jitter_create([anpi_jitter_config.standard { $0.capacity_ms = 200 }], nil))
        defer { anpi_jitter_destroy(jb) }
        // Chunk 1 missing: the buffer waits and holds everything until popped.
        for chunk in UInt32(2)...11 {
            #expect(anpi_jitter_push(jb, (chunk - 1) * 20, chunk, NetworkTrace.payload(chunk: chunk, length: 160), 160, 0) == ANPI_OK)
        }
        let twelve = NetworkTrace.payload(chunk: 12, length: 160)
        #expect(anpi_jitter_push(jb, 220, 12, twelve, 160, 0) == ANPI_ERR_SPACE)
        #expect(anpi_jitter_push(jb, 220, 12, twelve, 8, 0) == ANPI_ERR_SPACE)
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(jb, &s)
        #expect(s.received == 10 && s.max_depth_ms == 200)
        var out = [UInt8](repeating: 0, count: 160)
        #expect(JitterPop(anpi_jitter_pop(jb, 20, &out, 160)) == .frame)
        #expect(NetworkTrace.chunk(of: out) == 2)
        #expect(anpi_jitter_push(jb, 220, 12, twelve, 160, 20) == ANPI_OK)
        var n = 1
        while JitterPop(anpi_jitter_pop(jb, 20, &out, 160)) == .frame { n += 1 }
        #expect(n == 11 && NetworkTrace.chunk(of: out) == 12)
    }

    @Test func resetForgetsEverything() throws {
        let jb = try #require(anpi_jitter_create(nil, nil))
        defer { anpi_jitter_destroy(jb) }
        var out = [UInt8](repeating: 0, count: 160)
        for chunk in UInt32(1)...3 {
            #expect(anpi_jitter_push(jb, 500 + chunk * 20, chunk, NetworkTrace.payload(chunk: chunk, length: 160), 160, 0) == ANPI_OK)
        }
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame)
        anpi_jitter_reset(jb)
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(jb, &s)
        #expect(s.received == 0 && s.delivered == 0 && s.max_depth_ms == 0)
        #expect(anpi_jitter_next_deadline_ms(jb) == .max)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 0)
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .empty)
        // A new stream: chunk 1 again is not a duplicate, and starts a new timeline.
        #expect(anpi_jitter_push(jb, 40, 1, NetworkTrace.payload(chunk: 1, length: 160), 160, 0) == ANPI_OK)
        #expect(anpi_jitter_next_timestamp_ms(jb) == 40)
        #expect(JitterPop(anpi_jitter_pop(jb, 0, &out, 160)) == .frame)
        anpi_jitter_get_stats(jb, &s)
        #expect(s.duplicates == 0 && s.delivered == 1)
    }

    @Test func defaultsAndInvalidArguments() {
        var cfg = anpi_jitter_config()
        anpi_jitter_config_default(&cfg)
        #expect(cfg.frame_ms == 20 && cfg.max_wait_ms == 20 && cfg.max_fill_ms == 10_000 && cfg.capacity_ms == 2000 && cfg.conceal == 0)
        anpi_jitter_config_default(nil)

        for bad in [anpi_jitter_config.standard { $0.frame_ms = 0 }, .standard { $0.frame_ms = 1001 },
                    .standard { $0.capacity_ms = 10 }, .standard { $0.capacity_ms = 3_600_001 },
                    .standard { $0.conceal = 2 }] {
            var err: Int32 = 0
            #expect(anpi_jitter_create([bad], &err) == nil)
            #expect(err == ANPI_ERR_ARG)
        }
        #expect(anpi_jitter_create([anpi_jitter_config.standard { $0.conceal = 2 }], nil) == nil)

        var err: Int32 = -99
        let jb = anpi_jitter_create(nil, &err)!
        defer { anpi_jitter_destroy(jb) }
        #expect(err == ANPI_OK)
        let frame = [UInt8](repeating: 0x55, count: 160)
        #expect(anpi_jitter_push(nil, 0, 1, frame, 160, 0) == ANPI_ERR_ARG)
        #expect(anpi_jitter_push(jb, 0, 1, nil, 160, 0) == ANPI_ERR_ARG)
        #expect(anpi_jitter_push(jb, 0, 0, frame, 160, 0) == ANPI_ERR_ARG)  // chunks start at 1
        #expect(anpi_jitter_push(jb, 0, 1, frame, 0, 0) == ANPI_ERR_ARG)
        #expect(anpi_jitter_push(jb, 0, 1, frame, 7, 0) == ANPI_ERR_ARG)  // not whole ms
        #expect(anpi_jitter_push(jb, 0, 1, [UInt8](repeating: 0, count: 16_008), 16_008, 0) == ANPI_ERR_ARG)
        var out = [UInt8](repeating: 0, count: 160)
        #expect(anpi_jitter_pop(nil, 0, &out, 160) == ANPI_ERR_ARG)
        #expect(anpi_jitter_pop(jb, 0, nil, 160) == ANPI_ERR_ARG)
        #expect(anpi_jitter_pop(jb, 0, &out, 159) == ANPI_ERR_ARG)
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(jb, &s)
        #expect(s.received == 0)
        anpi_jitter_get_stats(nil, &s)
        anpi_jitter_get_stats(jb, nil)
        #expect(anpi_jitter_next_deadline_ms(nil) == .max)
        #expect(anpi_jitter_next_timestamp_ms(nil) == 0)
        anpi_jitter_reset(nil)
        anpi_jitter_destroy(nil)
        #expect(String(cString: anpi_strerror(ANPI_ERR_SPACE)) == "buffer full")
    }
}
