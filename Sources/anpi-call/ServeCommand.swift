import ArgumentParser

/// `anpi-call serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (HTTP + /media-stream) until SIGINT or SIGTERM.",
        discussion: GatewayRunner.environmentHelp
    )

    @Flag(name: .customLong("insecure-no-auth"), help: "Serve on a non-loopback address without API_AUTH_TOKEN (anyone reaching the port can place calls).")
    var insecureNoAuth = false

    func run() async throws {
        try await GatewayRunner.run(placing: nil, insecureNoAuth: insecureNoAuth)
    }
}
