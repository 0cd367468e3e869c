import CAnpiMedia

/// Encodes 20 ms mono PCM16 frames with libopus at 8, 16 or 24 kHz.
///
/// The encoder state is allocated once; `encode` writes into the caller's packet buffer.
public final class OpusEncoder {
    /// Sample rate in Hz.
    public let sampleRate: Int
    /// Samples in one 20 ms frame.
    public var frameSamples: Int { sampleRate / 50 }
    private let state: OpaquePointer

    /// Creates an encoder; `bitrate` in bit/s, 0 for libopus's default.
    public init(sampleRate: Int, bitrate: Int = 0) throws(MediaCoreError) {
        var err: Int32 = 0
        guard let state = anpi_opus_encoder_create(Int32(clamping: sampleRate), Int32(clamping: bitrate), &err) else {
            throw MediaCoreError(code: err, operation: "creating an Opus encoder at \(sampleRate) Hz")
        }
        self.state = state
        self.sampleRate = sampleRate
    }

    deinit { anpi_opus_encoder_destroy(state) }

    /// The encoder's look-ahead in samples.
    public var lookahead: Int { Int(anpi_opus_encoder_lookahead(state)) }

    /// Encodes one frame of `frameSamples` samples; returns the packet length.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableBufferPointer<UInt8>) throws(MediaCoreError) -> Int {
        precondition(frame.count == frameSamples, "an Opus frame here is exactly 20 ms")
        let n = anpi_opus_encode(state, frame.baseAddress, packet.baseAddress, packet.count)
        return Int(try MediaCoreError.check(n, "encoding an Opus frame"))
    }

    /// Forgets the encoder's history.
    public func reset() throws(MediaCoreError) {
        try MediaCoreError.check(anpi_opus_encoder_reset(state), "resetting the Opus encoder")
    }
}
