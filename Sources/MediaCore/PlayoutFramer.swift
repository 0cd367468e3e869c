import CAnpiMedia

/// Outbound audio to Twilio: model deltas of any size in, exact 20 ms μ-law
/// frames out, paced to run at most `leadMilliseconds` ahead of real time,
/// with per-item sent and played milliseconds and a generation number that a
/// barge-in flush increments.
///
/// The C object holds a fixed queue sized at creation; nothing is allocated per frame.
public final class PlayoutFramer {
    /// Settings fixed at creation.
    public struct Configuration: Sendable, Equatable {
        /// Frame length in ms.
        public var frameMilliseconds: UInt32 = 20
        /// How far ahead of real time frames may be sent (Twilio buffers them).
        public var leadMilliseconds: UInt32 = 200
        /// Audio queued at most; beyond it `push` throws (back-pressure).
        public var capacityMilliseconds: UInt32 = 120_000
        /// A mark after every N frames (and at each item's end).
        public var markEvery: UInt32 = 1
        /// Items tracked at once.
        public var maxItems: UInt32 = 64

        /// The defaults of the C core.
        public init() {}
    }

    /// A frame that was written, and whether a mark should follow it.
    public struct Frame: Sendable, Equatable {
        /// The caller's item handle.
        public var item: UInt32
        /// The generation it was sent in.
        public var generation: UInt32
        /// The item's milliseconds sent, this frame included.
        public var itemSentMilliseconds: UInt32
        /// Send a mark (item, itemSentMilliseconds, generation) after this frame.
        public var mark: Bool
        /// The last frame of an ended item.
        public var itemLast: Bool
        /// The frame was completed with μ-law silence.
        public var padded: Bool
    }

    /// Bytes in one frame.
    public let frameBytes: Int
    private let state: OpaquePointer

    /// Creates a framer.
    public init(_ configuration: Configuration = Configuration()) throws(MediaCoreError) {
        var cfg = anpi_framer_config()
        anpi_framer_config_default(&cfg)
        cfg.frame_ms = configuration.frameMilliseconds
        cfg.lead_ms = configuration.leadMilliseconds
        cfg.capacity_ms = configuration.capacityMilliseconds
        cfg.mark_every = configuration.markEvery
        cfg.max_items = configuration.maxItems
        var err: Int32 = 0
        guard let state = anpi_framer_create(&cfg, &err) else {
            throw MediaCoreError(code: err, operation: "creating the playout framer")
        }
        self.state = state
        frameBytes = Int(configuration.frameMilliseconds) * 8
    }

    deinit { anpi_framer_destroy(state) }

    /// Queues μ-law audio of `item` (a non-zero handle).
    public func push(_ mulaw: UnsafeBufferPointer<UInt8>, item: UInt32) throws(MediaCoreError) {
        try MediaCoreError.check(anpi_framer_push(state, item, mulaw.baseAddress, mulaw.count), "queueing outbound audio of item \(item)")
    }

    /// Marks `item` complete: its last partial frame is padded and released.
    public func endItem(_ item: UInt32) throws(MediaCoreError) {
        try MediaCoreError.check(anpi_framer_end_item(state, item), "ending outbound item \(item)")
    }

    /// The next frame if one may be sent at `now`, written into `output`.
    public func pop(now: UInt64, into output: UnsafeMutableBufferPointer<UInt8>) -> Frame? {
        var i = anpi_framer_frame()
        guard anpi_framer_pop(state, now, output.baseAddress, output.count, &i) == 1 else { return nil }
        return Frame(item: i.item, generation: i.generation, itemSentMilliseconds: i.item_sent_ms, mark: i.mark != 0, itemLast: i.item_last != 0, padded: i.padded != 0)
    }

    /// When a frame may next be sent (nil: nothing queued).
    public func nextDue(now: UInt64) -> UInt64? {
        let d = anpi_framer_next_due_ms(state, now)
        return d == UInt64.max ? nil : d
    }

    /// A mark came back; returns whether it advanced the item's played milliseconds.
    @discardableResult
    public func markPlayed(item: UInt32, sentMilliseconds: UInt32, generation: UInt32, now: UInt64) -> Bool {
        anpi_framer_mark_played(state, item, sentMilliseconds, generation, now) == 1
    }

    /// Milliseconds of `item` sent.
    public func sentMilliseconds(item: UInt32) -> UInt32 { anpi_framer_sent_ms(state, item) }
    /// Milliseconds of `item` confirmed played by marks.
    public func playedMilliseconds(item: UInt32) -> UInt32 { anpi_framer_played_ms(state, item) }
    /// The generation frames are sent in now.
    public var generation: UInt32 { anpi_framer_generation(state) }
    /// Milliseconds queued but not yet sent.
    public var queuedMilliseconds: UInt32 { anpi_framer_queued_ms(state) }

    /// Barge-in: drops everything queued and starts a new generation, which it returns.
    @discardableResult
    public func flush(now: UInt64) -> UInt32 { anpi_framer_flush(state, now) }

    /// Forgets everything.
    public func reset() { anpi_framer_reset(state) }
}
