#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts an audio file between the formats of `AudioFileFormat`, streaming in fixed chunks.
///
/// Resampling goes through `Resampler` (polyphase for 8/16/24 kHz, speexdsp
/// otherwise), with the filter delay compensated so that the output starts
/// with the input's first sample and lasts exactly as long. The output is
/// written to a temporary file beside the destination and renamed into place
/// only when everything succeeded, so a failure never leaves a partial file.
public struct AudioConverter: Sendable {
    /// What a conversion did.
    public struct Summary: Sendable, Equatable {
        /// Input samples (per channel) read.
        public var inputSamples: Int
        /// Input sample rate.
        public var inputRate: Int
        /// Output samples written.
        public var outputSamples: Int
        /// Output sample rate.
        public var outputRate: Int
        /// The resampler used, if any.
        public var resampler: String?
    }

    /// Input file and format.
    public var input: (path: String, format: AudioFileFormat)
    /// Output file and format.
    public var output: (path: String, format: AudioFileFormat)
    /// The chunk the conversion streams in, in milliseconds of input.
    public var chunkMilliseconds: Int

    /// A conversion of `input` into `output` in chunks of `chunkMilliseconds`.
    public init(input: (path: String, format: AudioFileFormat), output: (path: String, format: AudioFileFormat), chunkMilliseconds: Int = 20) {
        self.input = input
        self.output = output
        self.chunkMilliseconds = chunkMilliseconds
    }

    /// Runs the conversion; `progress` receives the fraction of input done after each chunk.
    /// Throws `AudioConvertError`.
    @discardableResult
    public func run(progress: (Double) -> Void = { _ in }) throws -> Summary {
        guard (1...10_000).contains(chunkMilliseconds) else {
            throw AudioConvertError("--chunk-ms must be between 1 and 10000, not \(chunkMilliseconds)")
        }
        guard input.path != output.path else {
            throw AudioConvertError("input and output are the same file: \(input.path)")
        }
        let reader = try AudioFileReader(path: input.path, format: input.format, chunkMilliseconds: chunkMilliseconds)
        let outRate = AudioFileWriter.outputRate(of: output.format, inputRate: reader.sampleRate)
        let temporary = "\(output.path).partial-\(getpid())"
        do {
            let writer = try AudioFileWriter(path: temporary, format: output.format, sampleRate: outRate)
            let summary = try pump(reader: reader, writer: writer, progress: progress)
            try writer.finish()
            guard rename(temporary, output.path) == 0 else {
                throw AudioConvertError("cannot move the result to \(output.path): \(String(cString: strerror(errno)))")
            }
            return summary
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func pump(reader: AudioFileReader, writer: AudioFileWriter, progress: (Double) -> Void) throws -> Summary {
        let inRate = reader.sampleRate, outRate = writer.sampleRate
        var summary = Summary(inputSamples: 0, inputRate: inRate, outputSamples: 0, outputRate: outRate, resampler: nil)
        guard inRate != outRate else {
            while true {
                let n = try reader.next()
                if n == 0 { break }
                try reader.samples.withUnsafeBufferPointer { (s) in
                    try writer.write(UnsafeBufferPointer(rebasing: s[..<n]))
                }
                summary.inputSamples += n
                summary.outputSamples += n
                progress(Double(summary.inputSamples) / Double(max(1, reader.frameCount)))
            }
            return summary
        }
        let resampler: Resampler
        do {
            resampler = try Resampler(inputRate: inRate, outputRate: outRate, kind: Resampler.preferredKind(inputRate: inRate, outputRate: outRate))
        } catch {
            throw AudioConvertError("cannot resample \(inRate) Hz to \(outRate) Hz: \(error)")
        }
        summary.resampler = resampler.kind.description
        // The output the input's duration calls for, and the filter's start-up to skip.
        let wanted = Int((Double(reader.frameCount) * Double(outRate) / Double(inRate)).rounded())
        var skip = resampler.kind == .polyphase ? Int(resampler.delaySamples.rounded()) : 0
        var out = [Int16](repeating: 0, count: resampler.maximumOutput(forInput: reader.samples.count) + 64)
        let zeros = [Int16](repeating: 0, count: reader.samples.count)

        func feed(_ chunk: UnsafeBufferPointer<Int16>) throws {
            var offset = 0
            while offset < chunk.count && summary.outputSamples < wanted {
                let (consumed, produced): (Int, Int)
                do {
                    (consumed, produced) = try out.withUnsafeMutableBufferPointer { dst in
                        try resampler.process(UnsafeBufferPointer(rebasing: chunk[offset...]), into: dst)
                    }
                } catch {
                    throw AudioConvertError("resampling failed: \(error)")
                }
                offset += consumed
                let dropped = min(skip, produced)
                skip -= dropped
                let keep = min(produced - dropped, wanted - summary.outputSamples)
                if keep > 0 {
                    try out.withUnsafeBufferPointer { (o) in
                        try writer.write(UnsafeBufferPointer(rebasing: o[dropped..<(dropped + keep)]))
                    }
                    summary.outputSamples += keep
                }
                if consumed == 0 && produced == 0 { break }
            }
        }

        while true {
            let n = try reader.next()
            if n == 0 { break }
            try reader.samples.withUnsafeBufferPointer { (s) in
                try feed(UnsafeBufferPointer(rebasing: s[..<n]))
            }
            summary.inputSamples += n
            progress(Double(summary.inputSamples) / Double(max(1, reader.frameCount)))
        }
        // Flush what the filter still holds by feeding silence until the duration is complete.
        var rounds = 0
        while summary.outputSamples < wanted && rounds < 1000 {
            try zeros.withUnsafeBufferPointer { (z) in try feed(z) }
            rounds += 1
        }
        return summary
    }
}
