import CAnpiMedia

/// Inbound audio from Twilio: reorders frames by `media.timestamp`, removes
/// duplicates and fills genuine gaps so the timeline stays aligned, adding at
/// most `maxWaitMilliseconds` of delay. Late frames are never dropped: the
/// transport is TCP, so lateness is a stall, not a loss.
///
/// The C object holds a fixed ring sized at creation; `push` and `pop` copy
/// into and out of it and allocate nothing.
public final class JitterBuffer {
    /// Settings fixed at creation.
    public struct Configuration: Sendable, Equatable {
        /// Output frame length in ms (160 μ-law bytes for 20).
        public var frameMilliseconds: UInt32 = 20
        /// How long a gap may hold later frames back.
        public var maxWaitMilliseconds: UInt32 = 20
        /// Longest gap filled; longer timestamp jumps resynchronise.
        public var maxFillMilliseconds: UInt32 = 10_000
        /// Audio held at most.
        public var capacityMilliseconds: UInt32 = 2_000
        /// Fade the last frame into gaps instead of plain μ-law silence (off by default).
        public var conceal = false

        /// The defaults of the C core.
        public init() {}
    }

    /// What `pop` produced.
    public enum Output: Equatable, Sendable {
        /// Nothing is due now.
        case empty
        /// A received frame.
        case frame
        /// Silence or concealment for a gap.
        case fill
        /// A received frame whose slot was already filled.
        case late
    }

    /// Counters since creation or `reset`.
    public struct Statistics: Sendable, Equatable {
        /// Frames accepted by `push`, duplicates included.
        public var received: UInt64
        /// The same chunk and timestamp again (ignored).
        public var duplicates: UInt64
        /// Frames pushed after a higher chunk.
        public var reordered: UInt64
        /// Frames pushed after their slot was given up (delivered as `.late`).
        public var late: UInt64
        /// Chunks the timeline passed without them.
        public var lost: UInt64
        /// Output frames made entirely of fill.
        public var filled: UInt64
        /// Milliseconds of fill emitted.
        public var filledMilliseconds: UInt64
        /// Jumps beyond the fill limit and backward steps.
        public var resyncs: UInt64
        /// Frames emitted, fill and late ones included.
        public var delivered: UInt64
        /// The most audio held at once.
        public var maxDepthMilliseconds: UInt32

        init(_ s: anpi_jitter_stats) {
            received = s.received
            duplicates = s.duplicates
            reordered = s.reordered
            late = s.late
            lost = s.lost
            filled = s.filled
            filledMilliseconds = s.filled_ms
            resyncs = s.resyncs
            delivered = s.delivered
            maxDepthMilliseconds = s.max_depth_ms
        }
    }

    /// Bytes in one output frame.
    public let frameBytes: Int
    private let state: OpaquePointer

    /// Creates a buffer.
    public init(_ configuration: Configuration = Configuration()) throws(MediaCoreError) {
        var cfg = anpi_jitter_config()
        anpi_jitter_config_default(&cfg)
        cfg.frame_ms = configuration.frameMilliseconds
        cfg.max_wait_ms = configuration.maxWaitMilliseconds
        cfg.max_fill_ms = configuration.maxFillMilliseconds
        cfg.capacity_ms = configuration.capacityMilliseconds
        cfg.conceal = configuration.conceal ? 1 : 0
        var err: Int32 = 0
        guard let state = anpi_jitter_create(&cfg, &err) else {
            throw MediaCoreError(code: err, operation: "creating the jitter buffer")
        }
        self.state = state
        frameBytes = Int(configuration.frameMilliseconds) * 8
    }

    deinit { anpi_jitter_destroy(state) }

    /// Adds a frame Twilio stamped `timestamp`/`chunk`, received at `now` (ms, caller's clock).
    public func push(_ mulaw: UnsafeBufferPointer<UInt8>, timestamp: UInt32, chunk: UInt32, now: UInt64) throws(MediaCoreError) {
        let rc = anpi_jitter_push(state, timestamp, chunk, mulaw.baseAddress, mulaw.count, now)
        try MediaCoreError.check(rc, "buffering inbound frame \(chunk) at \(timestamp) ms")
    }

    /// Writes the next due frame into `output` (at least `frameBytes`); call until `.empty`.
    public func pop(now: UInt64, into output: UnsafeMutableBufferPointer<UInt8>) -> Output {
        switch anpi_jitter_pop(state, now, output.baseAddress, output.count) {
        case Int32(ANPI_JITTER_FRAME.rawValue): .frame
        case Int32(ANPI_JITTER_FILL.rawValue): .fill
        case Int32(ANPI_JITTER_LATE.rawValue): .late
        default: .empty
        }
    }

    /// When to pop again if frames are held behind a gap (0: now; nil: no deadline).
    public var nextDeadline: UInt64? {
        let d = anpi_jitter_next_deadline_ms(state)
        return d == UInt64.max ? nil : d
    }

    /// The timestamp of the next frame to come out.
    public var nextTimestamp: UInt32 { anpi_jitter_next_timestamp_ms(state) }

    /// Counters since creation or `reset`.
    public var statistics: Statistics {
        var s = anpi_jitter_stats()
        anpi_jitter_get_stats(state, &s)
        return Statistics(s)
    }

    /// Empties the buffer and zeroes the counters.
    public func reset() { anpi_jitter_reset(state) }
}
