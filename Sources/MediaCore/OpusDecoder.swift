import CAnpiMedia

/// Decodes mono Opus packets to PCM16 at 8, 16 or 24 kHz.
public final class OpusDecoder {
    /// Sample rate in Hz.
    public let sampleRate: Int
    private let state: OpaquePointer

    /// Creates a decoder.
    public init(sampleRate: Int) throws(MediaCoreError) {
        var err: Int32 = 0
        guard let state = anpi_opus_decoder_create(Int32(clamping: sampleRate), &err) else {
            throw MediaCoreError(code: err, operation: "creating an Opus decoder at \(sampleRate) Hz")
        }
        self.state = state
        self.sampleRate = sampleRate
    }

    deinit { anpi_opus_decoder_destroy(state) }

    /// Decodes `packet` (an empty one conceals a lost 20 ms frame); returns samples written.
    public func decode(_ packet: UnsafeBufferPointer<UInt8>, into pcm: UnsafeMutableBufferPointer<Int16>) throws(MediaCoreError) -> Int {
        let n = anpi_opus_decode(state, packet.baseAddress, packet.count, pcm.baseAddress, pcm.count)
        return Int(try MediaCoreError.check(n, "decoding an Opus packet"))
    }

    /// Forgets the decoder's history.
    public func reset() throws(MediaCoreError) {
        try MediaCoreError.check(anpi_opus_decoder_reset(state), "resetting the Opus decoder")
    }
}
