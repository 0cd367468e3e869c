import MediaCore
import Realtime

/// Converts one call's audio between Twilio's μ-law 8 kHz and the model's negotiated format
/// (design §2): bytes pass through for `pcmu`, are recoded per sample for `pcma`, and go through
/// G.711 and the C core's polyphase resampler (×3 up in, ×3 down out) for `pcm24k`.
///
/// Resampler state runs across calls to `inbound` and `outbound`, so output does not depend on how the
/// audio was chunked. Scratch buffers grow to the largest chunk seen and are then reused.
/// Owned by one call's bridge; not thread-safe.
final class ModelAudioPath {
    let format: RealtimeAudioFormat
    private let up: Resampler?
    private let down: Resampler?
    private var pcm8: [Int16] = []
    private var pcm24: [Int16] = []
    private var bytes: [UInt8] = []
    /// A PCM16 byte left over from an odd-sized delta.
    private var carry: UInt8?

    init(format: RealtimeAudioFormat) throws(MediaCoreError) {
        self.format = format
        if format == .pcm24k {
            up = try Resampler(inputRate: 8000, outputRate: 24000)
            down = try Resampler(inputRate: 24000, outputRate: 8000)
        } else {
            up = nil
            down = nil
        }
    }

    /// Callee audio (μ-law) in the model's input format.
    func inbound(_ mulaw: UnsafeBufferPointer<UInt8>) throws(MediaCoreError) -> [UInt8] {
        switch format {
        case .pcmu:
            return Array(mulaw)
        case .pcma:
            var out = [UInt8](repeating: 0, count: mulaw.count)
            out.withUnsafeMutableBufferPointer { G711.mulawToAlaw(mulaw, into: $0) }
            return out
        case .pcm24k:
            guard let up else { return [] }
            grow(&pcm8, to: mulaw.count)
            pcm8.withUnsafeMutableBufferPointer { G711.decodeMulaw(mulaw, into: $0) }
            grow(&pcm24, to: up.maximumOutput(forInput: mulaw.count))
            let produced = try resample(up, input: mulaw.count, from: &pcm8, into: &pcm24)
            var out = [UInt8](repeating: 0, count: produced * 2)
            for i in 0..<produced {
                let v = UInt16(bitPattern: pcm24[i])
                out[2 * i] = UInt8(v & 0xFF)
                out[2 * i + 1] = UInt8(v >> 8)
            }
            return out
        }
    }

    /// Model audio in its output format, handed to `body` as μ-law 8 kHz (possibly empty).
    func outbound<R>(_ audio: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        switch format {
        case .pcmu:
            return try audio.withUnsafeBufferPointer(body)
        case .pcma:
            grow(&bytes, to: audio.count)
            audio.withUnsafeBufferPointer { src in bytes.withUnsafeMutableBufferPointer { G711.alawToMulaw(src, into: $0) } }
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<audio.count])) }
        case .pcm24k:
            guard let down else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
            var count = 0
            grow(&pcm24, to: (audio.count + 1) / 2)
            var i = 0
            if let c = carry, !audio.isEmpty {
                pcm24[0] = Int16(bitPattern: UInt16(c) | UInt16(audio[0]) << 8)
                count = 1
                i = 1
                carry = nil
            }
            while i + 1 < audio.count {
                pcm24[count] = Int16(bitPattern: UInt16(audio[i]) | UInt16(audio[i + 1]) << 8)
                count += 1
                i += 2
            }
            if i < audio.count { carry = audio[i] }
            grow(&pcm8, to: down.maximumOutput(forInput: count))
            let produced = try resample(down, input: count, from: &pcm24, into: &pcm8)
            grow(&bytes, to: produced)
            pcm8.withUnsafeBufferPointer { src in
                bytes.withUnsafeMutableBufferPointer { G711.encodeMulaw(UnsafeBufferPointer(rebasing: src[..<produced]), into: $0) }
            }
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<produced])) }
        }
    }

    /// Runs `resampler` over the first `input` samples; the output buffer was sized by `maximumOutput`.
    private func resample(_ resampler: Resampler, input: Int, from source: inout [Int16], into target: inout [Int16]) throws(MediaCoreError) -> Int {
        var consumed = 0, produced = 0
        while consumed < input {
            let step = try source.withUnsafeBufferPointer { src throws(MediaCoreError) in
                try target.withUnsafeMutableBufferPointer { dst throws(MediaCoreError) in
                    try resampler.process(UnsafeBufferPointer(rebasing: src[consumed..<input]), into: UnsafeMutableBufferPointer(rebasing: dst[produced...]))
                }
            }
            consumed += step.consumed
            produced += step.produced
            if step.consumed == 0 { grow(&target, to: target.count * 2 + 16) }
        }
        return produced
    }

    private func grow<T: FixedWidthInteger>(_ buffer: inout [T], to count: Int) {
        if buffer.count < count { buffer.append(contentsOf: repeatElement(0, count: count - buffer.count)) }
    }
}
