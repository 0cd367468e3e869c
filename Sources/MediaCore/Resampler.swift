import CAnpiMedia

/// Streaming sample-rate conversion over the C core, with state kept across calls.
///
/// `.polyphase` is the project's own FIR for 8000 ⇄ 16000 ⇄ 24000 Hz (flat to
/// ±0.1 dB up to 3.4 kHz, ≥ 90 dB alias rejection, ≤ 3 ms delay, output
/// independent of chunking); `.speex(quality:)` is speexdsp's resampler, the
/// comparator and the fallback for any other pair of rates.
///
/// One owner at a time: a resampler belongs to one call or one tool run.
/// `process` writes into the caller's buffers and allocates nothing.
public final class Resampler {
    /// Which implementation to use.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        /// Our polyphase FIR (8000, 16000 and 24000 Hz only).
        case polyphase
        /// speexdsp at quality 0…10.
        case speex(quality: Int)

        var cQuality: Int32 {
            switch self {
            case .polyphase: ANPI_RESAMPLER_POLYPHASE
            case .speex(let quality): Int32(clamping: quality)
            }
        }

        public var description: String {
            switch self {
            case .polyphase: "polyphase"
            case .speex(let quality): "speexdsp q\(quality)"
            }
        }
    }

    /// Input sample rate in Hz.
    public let inputRate: Int
    /// Output sample rate in Hz.
    public let outputRate: Int
    /// The implementation.
    public let kind: Kind
    private let state: OpaquePointer

    /// Creates a resampler; throws for unsupported rates or an unavailable kernel.
    public init(inputRate: Int, outputRate: Int, kind: Kind = .polyphase, kernel: Kernel = .automatic) throws(MediaCoreError) {
        var err: Int32 = 0
        guard let state = anpi_resampler_create(Int32(clamping: inputRate), Int32(clamping: outputRate), kind.cQuality, kernel.cValue, &err) else {
            throw MediaCoreError(code: err, operation: "creating a \(kind) resampler \(inputRate)→\(outputRate) Hz")
        }
        self.state = state
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.kind = kind
    }

    /// The best kind for a pair of rates: polyphase where it exists, else speexdsp quality 10.
    public static func preferredKind(inputRate: Int, outputRate: Int) -> Kind {
        let fixed: Set<Int> = [8000, 16000, 24000]
        return fixed.contains(inputRate) && fixed.contains(outputRate) ? .polyphase : .speex(quality: 10)
    }

    deinit { anpi_resampler_destroy(state) }

    /// The kernel in use.
    public var kernel: Kernel { Kernel(anpi_resampler_kernel(state)) }

    /// Algorithmic delay in milliseconds.
    public var delayMilliseconds: Double { anpi_resampler_delay_ms(state) }

    /// Algorithmic delay in output samples.
    public var delaySamples: Double { anpi_resampler_delay_samples(state) }

    /// The most samples `process` can produce from `inputCount` more input samples.
    public func maximumOutput(forInput inputCount: Int) -> Int {
        anpi_resampler_max_output(state, inputCount)
    }

    /// Converts `input`; returns (consumed, produced) counts.
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) throws(MediaCoreError) -> (consumed: Int, produced: Int) {
        var inLen = input.count
        var outLen = output.count
        let rc = anpi_resampler_process_int16(state, input.baseAddress, &inLen, output.baseAddress, &outLen)
        try MediaCoreError.check(rc, "resampling \(inputRate)→\(outputRate) Hz")
        return (inLen, outLen)
    }

    /// Converts float `input`; returns (consumed, produced) counts.
    @discardableResult
    public func process(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) throws(MediaCoreError) -> (consumed: Int, produced: Int) {
        var inLen = input.count
        var outLen = output.count
        let rc = anpi_resampler_process_float(state, input.baseAddress, &inLen, output.baseAddress, &outLen)
        try MediaCoreError.check(rc, "resampling \(inputRate)→\(outputRate) Hz")
        return (inLen, outLen)
    }

    /// Convenience (allocates): converts all of `input` and returns the output.
    public func process(_ input: [Int16]) throws(MediaCoreError) -> [Int16] {
        var output = [Int16](repeating: 0, count: maximumOutput(forInput: input.count))
        var produced = 0
        var failure: MediaCoreError?
        input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                var offset = 0
                while offset < src.count {
                    do throws(MediaCoreError) {
                        let (consumed, made) = try process(
                            UnsafeBufferPointer(rebasing: src[offset...]),
                            into: UnsafeMutableBufferPointer(rebasing: dst[produced...]))
                        offset += consumed
                        produced += made
                        if consumed == 0 { break }
                    } catch {
                        failure = error
                        return
                    }
                }
            }
        }
        if let failure { throw failure }
        output.removeSubrange(produced...)
        return output
    }

    /// Forgets all history.
    public func reset() { anpi_resampler_reset(state) }
}
