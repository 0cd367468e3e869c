import ArgumentParser

/// `anpi-call serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (HTTP + /media-stream) until SIGINT or SIGTERM.",
        discussion: GatewayRunner.environmentHelp
    )

    /// `--insecure-no-auth` is the root command's, so it works before or after the subcommand name.
    @ParentCommand var root: AnpiCall

    func run() async throws {
        try await GatewayRunner.run(placing: nil, insecureNoAuth: root.insecureNoAuth)
    }
}
