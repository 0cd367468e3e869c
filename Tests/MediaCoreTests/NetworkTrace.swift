import Foundation  // log() only: all randomness comes from the seeded SplitMix64

/// One Twilio `media` message as the gateway receives it.
struct InboundFrame: Equatable {
    var timestamp: UInt32
    var chunk: UInt32
    /// Bytes of μ-law (8 per ms).
    var length: Int
    /// Receiver's clock, ms.
    var arrival: UInt64
    /// A second copy of a message already sent.
    var duplicate = false

    var payload: [UInt8] { NetworkTrace.payload(chunk: chunk, length: length) }
}

/// How the sender, Twilio and the network shape a stream of frames.
struct TraceShape {
    /// Messages sent (chunks 1…count), lost ones included.
    var count = 500
    var firstTimestamp: UInt32 = 0
    /// Bytes of each message, chunk → length; default 160 (20 ms).
    var length: (UInt32) -> Int = { _ in 160 }
    /// Mean of the exponential network delay added to each message, ms.
    var meanJitterMs = 0.0
    /// The sender's clock rate against the receiver's (1.01: 1 % fast).
    var clockRate = 1.0
    /// Chunks in this range are sent `burstSpeed` times faster than real time.
    var burst: Range<UInt32> = 0..<0
    var burstSpeed = 5.0
    /// TCP stalls: nothing arrives in [start, start + ms); what was held then comes at once.
    var stalls: [(start: UInt64, ms: UInt64)] = []
    /// Chunks never sent (their time still passes).
    var lost: Set<UInt32> = []
    /// Chunks sent twice (the copy arrives 1–30 ms later).
    var duplicated: Set<UInt32> = []
    /// Chunk → it arrives this many ms after the chunk that follows it.
    var overtaken: [UInt32: UInt64] = [:]
    /// Chunk → ms added to the timestamps from this chunk on (Twilio skipping
    /// silent audio, or a negative step).
    var timestampJumps: [UInt32: Int64] = [:]
}

/// A seeded, reproducible trace of inbound frames in arrival order.
struct NetworkTrace {
    /// In arrival order.
    var frames: [InboundFrame]
    /// Timestamp of every chunk, lost ones included.
    var timestamps: [UInt32: UInt32]
    /// When each message was sent (sender's real-time position, receiver's clock).
    var sendTimes: [UInt32: UInt64]
    let shape: TraceShape

    init(seed: UInt64, _ shape: TraceShape) {
        self.shape = shape
        var rng = SplitMix64(seed: seed)
        var frames: [InboundFrame] = []
        var timestamps: [UInt32: UInt32] = [:], sendTimes: [UInt32: UInt64] = [:]
        var ts = Int64(shape.firstTimestamp), sendTime = 1000.0, lastArrival: UInt64 = 0
        for chunk in UInt32(1)...UInt32(shape.count) {
            ts += shape.timestampJumps[chunk] ?? 0
            let length = shape.length(chunk)
            let stamp = UInt32(ts)
            timestamps[chunk] = stamp
            sendTimes[chunk] = UInt64(sendTime)
            // TCP delivers in order: a message can't arrive before the previous one.
            var arrival = max(lastArrival, UInt64(sendTime + rng.exponential(mean: shape.meanJitterMs)))
            for stall in shape.stalls where arrival >= stall.start && arrival < stall.start + stall.ms {
                arrival = stall.start + stall.ms
            }
            lastArrival = arrival
            if !shape.lost.contains(chunk) {
                frames.append(InboundFrame(timestamp: stamp, chunk: chunk, length: length, arrival: arrival))
                if shape.duplicated.contains(chunk) {
                    frames.append(InboundFrame(timestamp: stamp, chunk: chunk, length: length,
                                               arrival: arrival + 1 + UInt64(rng.below(30)), duplicate: true))
                }
            }
            ts += Int64(length / 8)
            let speed = shape.burst.contains(chunk) ? shape.clockRate * shape.burstSpeed : shape.clockRate
            sendTime += Double(length / 8) / speed
        }
        // Out of order (not TCP, but the core must cope): after its successor.
        for (chunk, delay) in shape.overtaken.sorted(by: { $0.key < $1.key }) {
            guard let i = frames.firstIndex(where: { $0.chunk == chunk && !$0.duplicate }),
                  let next = frames.first(where: { $0.chunk == chunk + 1 }) else { continue }
            frames[i].arrival = next.arrival + delay
        }
        // Stable: messages arriving at the same ms keep their sending order.
        self.frames = frames.enumerated().sorted { ($0.element.arrival, $0.offset) < ($1.element.arrival, $1.offset) }.map(\.element)
        self.timestamps = timestamps
        self.sendTimes = sendTimes
    }

    /// Chunks received at least once.
    var receivedChunks: Set<UInt32> { Set(frames.map(\.chunk)) }

    /// Earliest arrival of each chunk.
    var arrivals: [UInt32: UInt64] {
        frames.reduce(into: [:]) { $0[$1.chunk] = min($0[$1.chunk] ?? .max, $1.arrival) }
    }

    /// Recognisable bytes for a chunk: bytes 0–2 carry the chunk number in
    /// 7-bit groups, the rest a pattern; never 0xFF (μ-law silence, the fill).
    static func payload(chunk: UInt32, length: Int) -> [UInt8] {
        var bytes = (0..<length).map { UInt8((Int(chunk) * 131 + $0 * 7) % 127) }
        for i in 0..<min(3, length) { bytes[i] = UInt8((chunk >> (7 * UInt32(i))) & 0x7F) }
        return bytes
    }

    /// The chunk number at the start of a payload made by `payload`.
    static func chunk(of bytes: some Collection<UInt8>) -> UInt32 {
        bytes.prefix(3).enumerated().reduce(0) { $0 | UInt32($1.element) << (7 * UInt32($1.offset)) }
    }
}
