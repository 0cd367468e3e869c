import ArgumentParser

/// `anpi-call audio …`: the codec tools.
struct AudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Convert audio files and benchmark the media core.",
        subcommands: [AudioConvertCommand.self, AudioBenchCommand.self]
    )
}
