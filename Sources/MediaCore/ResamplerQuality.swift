import CAnpiMedia

/// Frequency-domain figures of a resampler, measured with tones.
public struct ResamplerQuality: Sendable, Codable, Equatable {
    /// Largest |gain| in dB over 0–3.4 kHz.
    public var passbandRippleDB: Double
    /// Smallest rejection of aliases / images that land in 0–3.4 kHz.
    public var rejectionDB: Double
    /// The input tone at which the rejection is smallest.
    public var worstRejectionHz: Double
    /// Algorithmic delay.
    public var delayMilliseconds: Double

    /// Measures a (rates, kind) resampler (allocates; takes a fraction of a second).
    public static func measure(inputRate: Int, outputRate: Int, kind: Resampler.Kind) throws(MediaCoreError) -> ResamplerQuality {
        var q = anpi_resampler_quality()
        let rc = anpi_resampler_measure(Int32(clamping: inputRate), Int32(clamping: outputRate), kind.cQuality, &q)
        try MediaCoreError.check(rc, "measuring the \(kind) resampler \(inputRate)→\(outputRate) Hz")
        return ResamplerQuality(passbandRippleDB: q.passband_ripple_db, rejectionDB: q.rejection_db, worstRejectionHz: q.worst_rejection_hz, delayMilliseconds: q.delay_ms)
    }
}
