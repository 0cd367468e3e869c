import ArgumentParser

/// The `anpi-call` command: the gateway, its simulators and its audio tools.
@main
struct AnpiCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anpi-call",
        abstract: "AI phone-call gateway: Twilio Media Streams ⇄ OpenAI Realtime, with a C audio core.",
        subcommands: [AudioCommand.self]
    )
}
