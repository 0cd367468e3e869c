import Foundation

/// Signal-to-noise ratio of a pure tone: least-squares fit of a sine and cosine at the known frequency
/// (and a DC term); everything the fit does not explain is noise.
enum ToneAnalysis {
    static func snr(_ samples: [Int16], frequency: Double, sampleRate: Double) -> Double {
        let n = samples.count
        var ss = 0.0, cc = 0.0, sc = 0.0, ys = 0.0, yc = 0.0, mean = 0.0
        for s in samples { mean += Double(s) }
        mean /= Double(n)
        for i in 0..<n {
            let w = 2 * Double.pi * frequency * Double(i) / sampleRate
            let s = sin(w), c = cos(w), y = Double(samples[i]) - mean
            ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c
        }
        let det = ss * cc - sc * sc
        let a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det
        var signal = 0.0, noise = 0.0
        for i in 0..<n {
            let w = 2 * Double.pi * frequency * Double(i) / sampleRate
            let fit = a * sin(w) + b * cos(w)
            let y = Double(samples[i]) - mean
            signal += fit * fit
            noise += (y - fit) * (y - fit)
        }
        return 10 * log10(signal / max(noise, 1e-9))
    }
}
