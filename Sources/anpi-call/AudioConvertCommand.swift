import ArgumentParser
import MediaCore

/// `anpi-call audio convert`: streams a file from one format to another.
struct AudioConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an audio file, streaming in chunks.",
        discussion: """
            Formats: \(AudioFileFormat.names).
            pcmu/pcma are raw G.711 at 8 kHz; pcm16:RATE is raw little-endian mono.
            wav is read with the format in its header (16-bit PCM, float, μ-law or A-law;
            stereo is mixed to mono) and written as PCM16 at the input's rate;
            wav:pcmu writes μ-law WAV at 8 kHz; opus writes Ogg Opus.
            Bad input exits with code 2 and leaves no output file.
            """
    )

    @Option(name: .customLong("in"), help: "Input file.")
    var input: String

    @Option(name: .customLong("in-format"), help: "Input format.")
    var inputFormat: String

    @Option(name: .customLong("out"), help: "Output file.")
    var output: String

    @Option(name: .customLong("out-format"), help: "Output format.")
    var outputFormat: String

    @Option(name: .customLong("chunk-ms"), help: "Milliseconds of input per streaming chunk.")
    var chunkMilliseconds: Int = 20

    func run() throws {
        do {
            let inFormat = try AudioFileFormat(parsing: inputFormat)
            guard inFormat.isReadable else {
                throw AudioConvertError("\(inFormat) is an output format only: read wav, pcmu, pcma or pcm16:RATE")
            }
            let outFormat = try AudioFileFormat(parsing: outputFormat)
            let converter = AudioConverter(input: (input, inFormat), output: (output, outFormat), chunkMilliseconds: chunkMilliseconds)
            let showProgress = StandardError.isTerminal
            var lastPercent = -1
            let summary = try converter.run { fraction in
                let percent = Int(fraction * 100)
                if showProgress && percent != lastPercent {
                    lastPercent = percent
                    StandardError.write("\rconverting \(input): \(percent)%")
                }
            }
            if showProgress { StandardError.write("\n") }
            let seconds = Double(summary.inputSamples) / Double(summary.inputRate)
            var line = "\(output): \(summary.outputSamples) samples at \(summary.outputRate) Hz (\(formatted(seconds)) s)"
            if let resampler = summary.resampler { line += ", resampled with \(resampler)" }
            print(line)
        } catch let error as AudioConvertError {
            StandardError.error(error.message)
            throw ExitCode(2)
        }
    }

    private func formatted(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
