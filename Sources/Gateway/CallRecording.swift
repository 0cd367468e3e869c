import MediaCore

/// A call's recording as heard on the phone: an Ogg Opus file (media core), stereo at 8 kHz — the
/// callee on the left, the assistant on the right. The callee's stream is the clock (Twilio sends a
/// frame every 20 ms, silence included); the assistant's frames, as sent to Twilio, are laid on it in
/// order, and what a barge-in cleared is dropped, as the callee never heard it. Buffers are allocated
/// once; per frame nothing is allocated. Owned by the call's ``CallBridge``.
final class CallRecording {
    let path: String
    static let bitsPerSecond = 24_000
    private let writer: OggOpusWriter
    private var left = [Int16](repeating: 0, count: 160)
    private var stereo = [Int16](repeating: 0, count: 320)
    /// Assistant samples sent and not yet laid on the timeline (a ring; 2 s is far beyond the framer's lead).
    private var pending = [Int16](repeating: 0, count: 16_000)
    private var head = 0, count = 0
    private var failed = false

    init(path: String) throws(MediaCoreError) {
        self.path = path
        // 24 kbit/s: telephone speech in two channels; libopusenc's default for stereo is about five times that.
        writer = try OggOpusWriter(path: path, sampleRate: 8000, channels: 2, bitrate: Self.bitsPerSecond)
    }

    /// An assistant frame (μ-law) handed to Twilio.
    func assistant(_ frame: UnsafeBufferPointer<UInt8>) {
        guard frame.count == 160 else { return }
        left.withUnsafeMutableBufferPointer { G711.decodeMulaw(frame, into: $0) }
        for s in left {
            if count == pending.count {  // should not happen: drop the oldest
                head = (head + 1) % pending.count
                count -= 1
            }
            pending[(head + count) % pending.count] = s
            count += 1
        }
    }

    /// Twilio's buffer was cleared: the assistant audio not yet played was never heard.
    func cleared() {
        head = 0
        count = 0
    }

    /// A callee frame (μ-law): one 20 ms slot of the recording.
    func callee(_ frame: UnsafeBufferPointer<UInt8>) {
        guard frame.count == 160, !failed else { return }
        left.withUnsafeMutableBufferPointer { G711.decodeMulaw(frame, into: $0) }
        for i in 0..<160 {
            stereo[2 * i] = left[i]
            if count > 0 {
                stereo[2 * i + 1] = pending[head]
                head = (head + 1) % pending.count
                count -= 1
            } else {
                stereo[2 * i + 1] = 0
            }
        }
        do {
            try stereo.withUnsafeBufferPointer { try writer.write($0) }
        } catch {
            failed = true
        }
    }

    /// Finishes the file; false if any write failed.
    func close() -> Bool {
        do { try writer.close() } catch { return false }
        return !failed
    }
}
