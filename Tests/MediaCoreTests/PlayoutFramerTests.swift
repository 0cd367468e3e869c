import CAnpiMedia
import Testing

extension anpi_framer_config {
    /// The C defaults, optionally changed.
    static func standard(_ change: (inout anpi_framer_config) -> Void = { _ in }) -> anpi_framer_config {
        var cfg = anpi_framer_config()
        anpi_framer_config_default(&cfg)
        change(&cfg)
        return cfg
    }
}

/// A framer and the frames it has given out, on a virtual clock.
final class FramerProbe {
    struct Sent {
        var time: UInt64
        var bytes: [UInt8]
        var info: anpi_framer_frame
    }

    let fr: OpaquePointer
    var sent: [Sent] = []
    private var out = [UInt8](repeating: 0, count: 160)

    init(_ config: anpi_framer_config = .standard()) {
        fr = anpi_framer_create([config], nil)!
    }

    deinit { anpi_framer_destroy(fr) }

    func push(_ item: UInt32, _ bytes: [UInt8]) -> Int32 { anpi_framer_push(fr, item, bytes, bytes.count) }

    /// Pops every frame the lead allows at `now`; returns how many.
    @discardableResult
    func pop(at now: UInt64) -> Int {
        var count = 0
        var info = anpi_framer_frame()
        while anpi_framer_pop(fr, now, &out, out.count, &info) == 1 {
            sent.append(Sent(time: now, bytes: out, info: info))
            count += 1
        }
        return count
    }

    /// Pops at each due time until nothing whole is queued; returns the last time.
    @discardableResult
    func drain(from now: UInt64) -> UInt64 {
        var now = now
        while case let due = anpi_framer_next_due_ms(fr, now), due != .max {
            now = due
            #expect(pop(at: now) > 0)
        }
        return now
    }

    func frames(of item: UInt32) -> [Sent] { sent.filter { $0.info.item == item } }
}

/// Bytes that are never μ-law silence, so padding is recognisable.
func speech(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(rng.below(0x7F)) }
}

@Suite struct PlayoutFramerTests {
    static let noPacing = anpi_framer_config.standard { $0.lead_ms = 1_000_000 }

    // MARK: framing

    @Test(arguments: [[1], [7], [159], [160], [161], [4000], [1, 7, 159, 161, 4000, 160, 320, 3], [3, 3, 3, 3, 3, 3]])
    func anyDeltaSizesGiveExactFrames(deltas: [Int]) {
        let probe = FramerProbe(Self.noPacing)
        let input = speech(deltas.reduce(0, +), seed: UInt64(deltas.count))
        var offset = 0
        for size in deltas {
            #expect(probe.push(42, Array(input[offset..<(offset + size)])) == ANPI_OK)
            offset += size
            probe.pop(at: 0)
            #expect(anpi_framer_queued_ms(probe.fr) == UInt32((offset - 160 * probe.sent.count + 7) / 8))
        }
        #expect(anpi_framer_end_item(probe.fr, 42) == ANPI_OK)
        probe.pop(at: 0)

        let output = probe.sent.flatMap(\.bytes)
        #expect(probe.sent.count == (input.count + 159) / 160)
        #expect(Array(output.prefix(input.count)) == input)
        #expect(output.dropFirst(input.count).allSatisfy { $0 == ANPI_ULAW_SILENCE })
        for (k, frame) in probe.sent.enumerated() {
            let isLast = k == probe.sent.count - 1
            #expect(frame.bytes.count == 160)
            #expect(frame.info.item == 42 && frame.info.generation == 0 && frame.info.mark == 1)
            #expect(frame.info.item_sent_ms == UInt32(min(160 * (k + 1), input.count) / 8))
            // Audio ending on a frame boundary went out before end_item: no item_last
            // then, but its last frame still carried a mark.
            #expect((frame.info.item_last == 1) == (isLast && input.count % 160 != 0))
            #expect((frame.info.padded == 1) == (isLast && input.count % 160 != 0))
        }
        #expect(anpi_framer_sent_ms(probe.fr, 42) == UInt32(input.count / 8))
        #expect(anpi_framer_queued_ms(probe.fr) == 0)
        #expect(anpi_framer_next_due_ms(probe.fr, 0) == .max)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomDeltasOfSeveralItems(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let probe = FramerProbe(Self.noPacing)
        var inputs: [UInt32: [UInt8]] = [:]
        for item in UInt32(1)...5 {
            let total = 1 + rng.below(6000)
            let audio = speech(total, seed: seed * 100 + UInt64(item))
            inputs[item] = audio
            var offset = 0
            while offset < total {
                let largest = rng.below(4) == 0 ? 5000 : 300
                let size = min(total - offset, 1 + rng.below(largest))
                #expect(probe.push(item, Array(audio[offset..<(offset + size)])) == ANPI_OK)
                offset += size
                if rng.below(3) == 0 { probe.pop(at: 0) }
            }
            if rng.below(2) == 0 { #expect(anpi_framer_end_item(probe.fr, item) == ANPI_OK) }
        }
        #expect(anpi_framer_end_item(probe.fr, 5) == ANPI_OK)
        probe.pop(at: 0)
        // Items follow each other; a frame never mixes two.
        #expect(probe.sent.map(\.info.item) == probe.sent.map(\.info.item).sorted())
        for (item, audio) in inputs {
            let frames = probe.frames(of: item)
            #expect(frames.count == (audio.count + 159) / 160)
            #expect(Array(frames.flatMap(\.bytes).prefix(audio.count)) == audio)
            #expect(frames.last?.info.item_last == 1 && frames.last?.info.item_sent_ms == UInt32(audio.count / 8))
            #expect(anpi_framer_sent_ms(probe.fr, item) == UInt32(audio.count / 8))
        }
    }

    @Test func newItemEndsThePreviousOne() {
        let probe = FramerProbe(Self.noPacing)
        let first = speech(100, seed: 1), second = speech(200, seed: 2)
        #expect(probe.push(1, first) == ANPI_OK)
        #expect(probe.pop(at: 0) == 0)  // 100 bytes: not a whole frame yet
        #expect(anpi_framer_next_due_ms(probe.fr, 0) == .max)
        #expect(probe.push(2, second) == ANPI_OK)
        #expect(probe.pop(at: 0) == 2)
        #expect(probe.sent[0].info.item == 1 && probe.sent[0].info.item_last == 1 && probe.sent[0].info.padded == 1)
        #expect(probe.sent[0].bytes == first + [UInt8](repeating: 0xFF, count: 60))
        #expect(probe.sent[1].info.item == 2 && probe.sent[1].bytes == Array(second.prefix(160)))
        #expect(probe.push(1, first) == ANPI_ERR_STATE)  // item 1 is over
        #expect(anpi_framer_queued_ms(probe.fr) == 5)
        #expect(anpi_framer_end_item(probe.fr, 2) == ANPI_OK)
        #expect(anpi_framer_end_item(probe.fr, 2) == ANPI_OK)  // again: harmless
        #expect(probe.pop(at: 0) == 1)
        #expect(probe.sent[2].bytes == Array(second.suffix(40)) + [UInt8](repeating: 0xFF, count: 120))
        #expect(probe.push(2, second) == ANPI_ERR_STATE)
    }

    // MARK: marks

    @Test func marksEveryNFramesAtItemEndAndBeforeTheQueueRunsDry() {
        let probe = FramerProbe(anpi_framer_config.standard { $0.lead_ms = 1_000_000; $0.mark_every = 3 })
        #expect(probe.push(9, speech(160 * 7 + 40, seed: 3)) == ANPI_OK)
        probe.pop(at: 0)
        // Frames 3 and 6 by count, 7 because nothing whole is left after it.
        #expect(probe.sent.map(\.info.mark) == [0, 0, 1, 0, 0, 1, 1])
        #expect(probe.sent.filter { $0.info.mark == 1 }.map(\.info.item_sent_ms) == [60, 120, 140])
        #expect(probe.push(9, speech(160 * 3, seed: 4)) == ANPI_OK)
        #expect(anpi_framer_end_item(probe.fr, 9) == ANPI_OK)
        probe.pop(at: 0)
        #expect(probe.sent.dropFirst(7).map(\.info.mark) == [0, 0, 1, 1])
        #expect(probe.sent.last?.info.item_last == 1 && probe.sent.last?.info.item_sent_ms == 205)
    }

    @Test func endAfterTheLastFrameStillLeftAMark() {
        let probe = FramerProbe(anpi_framer_config.standard { $0.lead_ms = 1_000_000; $0.mark_every = 0 })
        #expect(probe.push(5, speech(320, seed: 5)) == ANPI_OK)
        probe.pop(at: 0)
        #expect(probe.sent.map(\.info.mark) == [0, 1])
        #expect(anpi_framer_end_item(probe.fr, 5) == ANPI_OK)
        #expect(probe.pop(at: 0) == 0)
        #expect(anpi_framer_mark_played(probe.fr, 5, 40, 0, 100) == 1)
        #expect(anpi_framer_played_ms(probe.fr, 5) == anpi_framer_sent_ms(probe.fr, 5))
    }

    @Test func playedMillisecondsComeFromMarksAndOnlyGrow() {
        let probe = FramerProbe(Self.noPacing)
        #expect(probe.push(3, speech(1600, seed: 6)) == ANPI_OK)
        probe.pop(at: 0)
        let fr = probe.fr
        #expect(anpi_framer_played_ms(fr, 3) == 0)
        #expect(anpi_framer_mark_played(fr, 3, 40, 0, 45) == 1)
        #expect(anpi_framer_played_ms(fr, 3) == 40)
        #expect(anpi_framer_mark_played(fr, 3, 20, 0, 46) == 0)  // older
        #expect(anpi_framer_mark_played(fr, 3, 40, 0, 46) == 0)  // same
        #expect(anpi_framer_mark_played(fr, 3, 220, 0, 46) == 0)  // more than was sent
        #expect(anpi_framer_mark_played(fr, 3, 60, 1, 46) == 0)  // a generation not yet begun
        #expect(anpi_framer_mark_played(fr, 4, 60, 0, 46) == 0)  // unknown item
        #expect(anpi_framer_mark_played(fr, 0, 60, 0, 46) == 0)
        #expect(anpi_framer_mark_played(nil, 3, 60, 0, 46) == 0)
        #expect(anpi_framer_played_ms(fr, 3) == 40)
        #expect(anpi_framer_mark_played(fr, 3, 200, 0, 200) == 1)
        #expect(anpi_framer_played_ms(fr, 3) == 200 && anpi_framer_sent_ms(fr, 3) == 200)
        #expect(anpi_framer_played_ms(fr, 99) == 0 && anpi_framer_sent_ms(fr, 99) == 0)
    }

    // MARK: barge-in

    @Test func flushDropsTheQueueAndIgnoresEchoesOfTheOldGeneration() {
        let probe = FramerProbe()  // lead 200 ms
        let fr = probe.fr
        #expect(probe.push(1, speech(16_000, seed: 7)) == ANPI_OK)  // 2 s
        #expect(probe.pop(at: 0) == 10)
        #expect(anpi_framer_next_due_ms(fr, 0) == 20)
        #expect(probe.pop(at: 60) == 3)
        let marks = probe.sent.filter { $0.info.mark == 1 }.map(\.info)
        #expect(marks.count == 13 && marks.allSatisfy { $0.generation == 0 })
        // Twilio played three frames, then the callee spoke.
        for m in marks.prefix(3) { #expect(anpi_framer_mark_played(fr, m.item, m.item_sent_ms, m.generation, 70) == 1) }
        #expect(anpi_framer_flush(fr, 75) == 1)
        #expect(anpi_framer_generation(fr) == 1)
        #expect(anpi_framer_queued_ms(fr) == 0)
        #expect(anpi_framer_next_due_ms(fr, 75) == .max)
        #expect(probe.pop(at: 1000) == 0)
        // On clear Twilio echoes every pending mark: "discarded", not "played".
        for m in marks.dropFirst(3) { #expect(anpi_framer_mark_played(fr, m.item, m.item_sent_ms, m.generation, 80) == 0) }
        #expect(anpi_framer_played_ms(fr, 1) == 60)
        #expect(anpi_framer_sent_ms(fr, 1) == 260)
        #expect(probe.push(1, speech(160, seed: 8)) == ANPI_ERR_STATE)  // late delta of the cut item
        // The next answer plays at once: Twilio's buffer was cleared.
        #expect(probe.push(2, speech(3200, seed: 9)) == ANPI_OK)
        #expect(probe.pop(at: 80) == 10)
        #expect(probe.frames(of: 2).allSatisfy { $0.info.generation == 1 })
        #expect(anpi_framer_mark_played(fr, 2, 20, 1, 110) == 1)
        #expect(anpi_framer_played_ms(fr, 2) == 20)
        #expect(anpi_framer_flush(fr, 120) == 2)
        #expect(anpi_framer_flush(nil, 120) == 0)
    }

    // MARK: pacing

    @Test func pacingKeepsTheLeadAndRestartsAfterADrain() {
        let probe = FramerProbe()  // lead 200 ms
        #expect(probe.push(1, speech(8000, seed: 10)) == ANPI_OK)  // 1 s
        #expect(probe.pop(at: 0) == 10)  // the lead's worth at once
        #expect(anpi_framer_next_due_ms(probe.fr, 0) == 20)
        #expect(anpi_framer_next_due_ms(probe.fr, 35) == 35)
        let end = probe.drain(from: 0)
        #expect(end == 800)
        #expect(probe.sent.count == 50)
        // Twilio played from t = 0 without a gap: each frame 20 ms after the one before.
        for (k, frame) in probe.sent.enumerated() {
            let playEnd = UInt64(20 * (k + 1))
            #expect(playEnd - frame.time <= 200)
        }
        // Idle long enough for Twilio to drain: the clock restarts at the next frame.
        #expect(probe.push(2, speech(4000, seed: 11)) == ANPI_OK)
        #expect(probe.pop(at: 5000) == 10)
        #expect(anpi_framer_next_due_ms(probe.fr, 5000) == 5020)
        // Pushed before Twilio drained: the clock runs on from where it was.
        #expect(probe.drain(from: 5000) == 5300)
        #expect(probe.push(3, speech(1600, seed: 12)) == ANPI_OK)
        #expect(anpi_framer_next_due_ms(probe.fr, 5350) == 5350)
        #expect(probe.pop(at: 5350) == 2)  // Twilio still holds 150 ms: room for two frames
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func pacingNeverRunsAheadOfTheLead(seed: UInt64) {
        // The model sends deltas of random sizes at about 5× real time, with pauses;
        // a Twilio stand-in plays what it gets at real time.
        var rng = SplitMix64(seed: seed)
        let lead: UInt32 = 120
        let probe = FramerProbe(anpi_framer_config.standard { $0.lead_ms = lead })
        var deltas: [(time: UInt64, item: UInt32, bytes: Int)] = []
        var t: UInt64 = 0
        for item in UInt32(1)...6 {
            var remaining = 4000 + rng.below(12_000)
            while remaining > 0 {
                let size = min(remaining, 1 + rng.below(1200))
                deltas.append((t, item, size))
                remaining -= size
                t += UInt64(size / 8 / 5)
            }
            t += UInt64(rng.below(3000))
        }
        var twilioEnd: UInt64 = 0, next = 0, now: UInt64 = 0
        while next < deltas.count || anpi_framer_next_due_ms(probe.fr, now) != .max {
            let due = anpi_framer_next_due_ms(probe.fr, now)
            let arrival = next < deltas.count ? deltas[next].time : .max
            now = max(now, min(due, arrival))
            if arrival <= now {
                let d = deltas[next]
                #expect(probe.push(d.item, speech(d.bytes, seed: UInt64(next))) == ANPI_OK)
                next += 1
                if next == deltas.count { #expect(anpi_framer_end_item(probe.fr, d.item) == ANPI_OK) }
            }
            let before = probe.sent.count
            probe.pop(at: now)
            for frame in probe.sent[before...] {
                twilioEnd = max(twilioEnd, frame.time) + 20
                #expect(twilioEnd - frame.time <= UInt64(lead), "Twilio holds more than the lead")
            }
        }
        let total = Dictionary(grouping: deltas, by: { $0.item }).mapValues { $0.map { $0.bytes }.reduce(0, +) }
        for (item, bytes) in total {
            #expect(anpi_framer_sent_ms(probe.fr, item) == UInt32(bytes / 8))
            #expect(probe.frames(of: item).count == (bytes + 159) / 160)
        }
    }

    @Test func markEchoBehindTheEstimateSlowsPacing() {
        let probe = FramerProbe()  // lead 200 ms
        let fr = probe.fr
        #expect(probe.push(1, speech(8000, seed: 13)) == ANPI_OK)
        #expect(probe.pop(at: 0) == 10)  // Twilio's buffer: 200 ms, by our clock ending at 200
        // At t = 30 Twilio says it has played only the first frame (10 ms network delay).
        #expect(anpi_framer_mark_played(fr, 1, 20, 0, 30) == 1)
        #expect(anpi_framer_next_due_ms(fr, 30) == 30)
        #expect(probe.pop(at: 30) == 1)
        // It holds 180 ms + this frame from t = 30, so the next is due at 50 (40 without the echo).
        #expect(anpi_framer_next_due_ms(fr, 30) == 50)
        // An echo ahead of the estimate changes nothing.
        #expect(anpi_framer_mark_played(fr, 1, 40, 0, 31) == 1)
        #expect(anpi_framer_next_due_ms(fr, 31) == 50)
    }

    // MARK: limits

    @Test func capacityGivesSpace() {
        let probe = FramerProbe(anpi_framer_config.standard { $0.capacity_ms = 100 })
        #expect(probe.push(1, speech(800, seed: 14)) == ANPI_OK)
        #expect(anpi_framer_queued_ms(probe.fr) == 100)
        #expect(probe.push(1, speech(1, seed: 15)) == ANPI_ERR_SPACE)
        #expect(probe.push(1, speech(801, seed: 15)) == ANPI_ERR_ARG)  // can never fit
        #expect(anpi_framer_queued_ms(probe.fr) == 100)
        #expect(probe.pop(at: 0) == 5)
        #expect(probe.push(1, speech(161, seed: 16)) == ANPI_OK)
        #expect(anpi_framer_queued_ms(probe.fr) == 21)  // rounded up
        #expect(probe.push(1, []) == ANPI_OK)
    }

    @Test func itemTableGivesSpaceThenForgetsTheOldest() {
        let probe = FramerProbe(anpi_framer_config.standard { $0.max_items = 2; $0.lead_ms = 1_000_000 })
        #expect(probe.push(1, speech(100, seed: 17)) == ANPI_OK)
        #expect(probe.push(2, speech(100, seed: 18)) == ANPI_OK)
        #expect(probe.push(3, speech(100, seed: 19)) == ANPI_ERR_SPACE)  // both still queued
        #expect(probe.pop(at: 0) == 1)  // item 1, padded
        #expect(probe.push(3, speech(100, seed: 19)) == ANPI_OK)  // item 1 forgotten
        #expect(anpi_framer_sent_ms(probe.fr, 1) == 0)
        #expect(anpi_framer_end_item(probe.fr, 1) == ANPI_ERR_STATE)
        #expect(probe.pop(at: 0) == 1)
        #expect(anpi_framer_end_item(probe.fr, 3) == ANPI_OK)
        #expect(probe.pop(at: 0) == 1)
        #expect(probe.sent.map(\.info.item) == [1, 2, 3])
        #expect(anpi_framer_sent_ms(probe.fr, 2) == 12 && anpi_framer_sent_ms(probe.fr, 3) == 12)
    }

    @Test func resetForgetsEverything() {
        let probe = FramerProbe()
        #expect(probe.push(1, speech(4000, seed: 20)) == ANPI_OK)
        probe.pop(at: 0)
        #expect(anpi_framer_flush(probe.fr, 10) == 1)
        #expect(probe.push(2, speech(4000, seed: 21)) == ANPI_OK)
        anpi_framer_reset(probe.fr)
        #expect(anpi_framer_generation(probe.fr) == 0)
        #expect(anpi_framer_queued_ms(probe.fr) == 0)
        #expect(anpi_framer_sent_ms(probe.fr, 1) == 0)
        #expect(anpi_framer_next_due_ms(probe.fr, 0) == .max)
        #expect(probe.push(1, speech(160, seed: 22)) == ANPI_OK)  // a fresh item 1
        #expect(probe.pop(at: 0) == 1)
        #expect(probe.sent.last?.info.item_sent_ms == 20 && probe.sent.last?.info.generation == 0)
        anpi_framer_reset(nil)
    }

    @Test func defaultsAndInvalidArguments() {
        var cfg = anpi_framer_config()
        anpi_framer_config_default(&cfg)
        #expect(cfg.frame_ms == 20 && cfg.lead_ms == 200 && cfg.capacity_ms == 120_000 && cfg.mark_every == 1 && cfg.max_items == 64)
        anpi_framer_config_default(nil)
        for bad in [anpi_framer_config.standard { $0.frame_ms = 0 }, .standard { $0.frame_ms = 1001 },
                    .standard { $0.lead_ms = 19 }, .standard { $0.capacity_ms = 19 },
                    .standard { $0.capacity_ms = 3_600_001 }, .standard { $0.max_items = 0 },
                    .standard { $0.max_items = 65_537 }] {
            var err: Int32 = 0
            #expect(anpi_framer_create([bad], &err) == nil)
            #expect(err == ANPI_ERR_ARG)
        }
        var err: Int32 = -99
        let fr = anpi_framer_create(nil, &err)!
        defer { anpi_framer_destroy(fr) }
        #expect(err == ANPI_OK)
        let audio = speech(160, seed: 23)
        #expect(anpi_framer_push(nil, 1, audio, 160) == ANPI_ERR_ARG)
        #expect(anpi_framer_push(fr, 0, audio, 160) == ANPI_ERR_ARG)
        #expect(anpi_framer_push(fr, 1, nil, 160) == ANPI_ERR_ARG)
        #expect(anpi_framer_push(fr, 1, nil, 0) == ANPI_OK)
        #expect(anpi_framer_end_item(nil, 1) == ANPI_ERR_ARG)
        #expect(anpi_framer_end_item(fr, 0) == ANPI_ERR_ARG)
        #expect(anpi_framer_end_item(fr, 77) == ANPI_ERR_STATE)
        #expect(anpi_framer_push(fr, 1, audio, 160) == ANPI_OK)
        var out = [UInt8](repeating: 0, count: 160), info = anpi_framer_frame()
        #expect(anpi_framer_pop(nil, 0, &out, 160, &info) == ANPI_ERR_ARG)
        #expect(anpi_framer_pop(fr, 0, nil, 160, &info) == ANPI_ERR_ARG)
        #expect(anpi_framer_pop(fr, 0, &out, 159, &info) == ANPI_ERR_ARG)
        #expect(anpi_framer_pop(fr, 0, &out, 160, nil) == 1)  // info is optional
        #expect(out == audio)
        #expect(anpi_framer_next_due_ms(nil, 5) == .max)
        #expect(anpi_framer_sent_ms(nil, 1) == 0 && anpi_framer_played_ms(nil, 1) == 0)
        #expect(anpi_framer_generation(nil) == 0 && anpi_framer_queued_ms(nil) == 0)
        anpi_framer_destroy(nil)
    }
}
