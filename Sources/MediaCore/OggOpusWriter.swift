import CAnpiMedia

/// Writes an Ogg Opus file (for recordings) through libopusenc.
///
/// Call `close()` to finish the file; a writer dropped without it is closed
/// by `deinit` and its error, if any, is lost.
public final class OggOpusWriter {
    /// The file being written.
    public let path: String
    /// Channels per frame (1 or 2).
    public let channels: Int
    private var state: OpaquePointer?

    /// Creates `path` for input at `sampleRate` Hz; `bitrate` 0 is libopusenc's default.
    public init(path: String, sampleRate: Int, channels: Int = 1, bitrate: Int = 0) throws(MediaCoreError) {
        var err: Int32 = 0
        guard let state = anpi_ogg_opus_writer_create(path, Int32(clamping: sampleRate), Int32(clamping: channels), Int32(clamping: bitrate), &err) else {
            throw MediaCoreError(code: err, operation: "creating Ogg Opus file \(path)")
        }
        self.state = state
        self.path = path
        self.channels = channels
    }

    deinit {
        if let state { _ = anpi_ogg_opus_writer_close(state) }
    }

    /// Appends interleaved samples (a multiple of `channels`).
    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(MediaCoreError) {
        guard let state else { throw MediaCoreError(code: ANPI_ERR_STATE, operation: "writing to closed file \(path)") }
        let rc = anpi_ogg_opus_writer_write(state, samples.baseAddress, samples.count / channels)
        try MediaCoreError.check(rc, "writing Ogg Opus file \(path)")
    }

    /// Flushes and closes the file.
    public func close() throws(MediaCoreError) {
        guard let state else { return }
        self.state = nil
        try MediaCoreError.check(anpi_ogg_opus_writer_close(state), "closing Ogg Opus file \(path)")
    }
}
