import ArgumentParser
import Gateway
import Twilio

/// The `anpi-call` command: the gateway, its simulators and its audio tools.
///
/// `--server-only` and `--call=<E.164>` are kept from the original Python app so
/// that its users' scripts keep working; they are the same as `serve` and `call`.
@main
struct AnpiCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anpi-call",
        abstract: "AI phone-call gateway: Twilio Media Streams ⇄ OpenAI Realtime, with a C audio core.",
        subcommands: [ServeCommand.self, CallCommand.self, CampaignCommand.self, DemoCommand.self, LoadtestCommand.self, AudioCommand.self, SimulateTwilioCommand.self, SimulateRealtimeCommand.self]
    )

    @Flag(name: .customLong("server-only"), help: "Run the gateway (same as `anpi-call serve`).")
    var serverOnly = false

    @Option(name: .customLong("call"), help: ArgumentHelp("Place a call to this E.164 number and keep serving (same as `anpi-call call`).", valueName: "E.164"))
    var call: String?

    @Flag(name: .customLong("insecure-no-auth"), help: "With serve, call, --server-only or --call: serve on a non-loopback address without API_AUTH_TOKEN (anyone who reaches the port can place calls).")
    var insecureNoAuth = false

    func run() async throws {
        if let call {
            try await GatewayRunner.run(placing: OutboundCallRequest(toNumber: try CallCommand.parseNumber(call)), insecureNoAuth: insecureNoAuth)
        } else if serverOnly {
            try await GatewayRunner.run(placing: nil, insecureNoAuth: insecureNoAuth)
        } else {
            throw CleanExit.helpRequest(self)
        }
    }
}
