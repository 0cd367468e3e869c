import CAnpiMedia

/// G.711 μ-law and A-law, bit-exact with ITU-T G.191.
///
/// The buffer functions run the C core's table and bit-trick paths; they write
/// into storage the caller owns and allocate nothing.
public enum G711 {
    /// The μ-law code of silence.
    public static let mulawSilence: UInt8 = 0xFF
    /// The A-law code of silence.
    public static let alawSilence: UInt8 = 0xD5

    /// PCM16 → μ-law. `output` must hold at least `input.count` bytes.
    public static func encodeMulaw(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_ulaw_encode(src, dst, input.count)
    }

    /// μ-law → PCM16. `output` must hold at least `input.count` samples.
    public static func decodeMulaw(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_ulaw_decode(src, dst, input.count)
    }

    /// PCM16 → A-law. `output` must hold at least `input.count` bytes.
    public static func encodeAlaw(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_alaw_encode(src, dst, input.count)
    }

    /// A-law → PCM16. `output` must hold at least `input.count` samples.
    public static func decodeAlaw(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_alaw_decode(src, dst, input.count)
    }

    /// μ-law → A-law code by code. `output` may be the input's own storage.
    public static func mulawToAlaw(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_ulaw_to_alaw(src, dst, input.count)
    }

    /// A-law → μ-law code by code. `output` may be the input's own storage.
    public static func alawToMulaw(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= input.count, "output too small")
        guard let src = input.baseAddress, let dst = output.baseAddress else { return }
        anpi_alaw_to_ulaw(src, dst, input.count)
    }

    /// Convenience for tests and tools: μ-law bytes of `samples` (allocates).
    public static func encodeMulaw(_ samples: [Int16]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: samples.count) { buffer, count in
            samples.withUnsafeBufferPointer { encodeMulaw($0, into: buffer) }
            count = samples.count
        }
    }

    /// Convenience for tests and tools: PCM16 of μ-law `codes` (allocates).
    public static func decodeMulaw(_ codes: [UInt8]) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: codes.count) { buffer, count in
            codes.withUnsafeBufferPointer { decodeMulaw($0, into: buffer) }
            count = codes.count
        }
    }

    /// Convenience for tests and tools: A-law bytes of `samples` (allocates).
    public static func encodeAlaw(_ samples: [Int16]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: samples.count) { buffer, count in
            samples.withUnsafeBufferPointer { encodeAlaw($0, into: buffer) }
            count = samples.count
        }
    }

    /// Convenience for tests and tools: PCM16 of A-law `codes` (allocates).
    public static func decodeAlaw(_ codes: [UInt8]) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: codes.count) { buffer, count in
            codes.withUnsafeBufferPointer { decodeAlaw($0, into: buffer) }
            count = codes.count
        }
    }
}

extension G711 {
    /// One μ-law code to PCM16.
    @inlinable
    public static func decodeMulawSample(_ code: UInt8) -> Int16 { anpi_ulaw_decode_ref(code) }
    /// One A-law code to PCM16.
    @inlinable
    public static func decodeAlawSample(_ code: UInt8) -> Int16 { anpi_alaw_decode_ref(code) }
}
