import ArgumentParser

/// `anpi-call serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (HTTP + /media-stream) until SIGINT or SIGTERM.",
        discussion: GatewayRunner.environmentHelp
    )

    func run() async throws {
        try await GatewayRunner.run(placing: nil)
    }
}
