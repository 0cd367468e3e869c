import ArgumentParser
import Gateway
import Twilio

/// `anpi-call call <E.164>`: place a call through the same code as `POST /outbound-call`, and keep serving it.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Start the gateway, place a call, and keep serving it.",
        discussion: GatewayRunner.environmentHelp
    )

    @Argument(help: ArgumentHelp("The number to call, in E.164 form (+819012345678).", valueName: "E.164"))
    var number: String

    @Option(help: "What the call is for, told to the assistant.")
    var message: String = ""

    @Option(name: .customLong("user-id"), help: "Your id for the person called.")
    var userID: String = ""

    /// `--insecure-no-auth` is the root command's, so it works before or after the subcommand name.
    @ParentCommand var root: AnpiCall

    func run() async throws {
        try await GatewayRunner.run(placing: OutboundCallRequest(toNumber: try Self.parseNumber(number), message: message, userID: userID), insecureNoAuth: root.insecureNoAuth)
    }

    static func parseNumber(_ text: String) throws -> E164Number {
        guard let n = E164Number(text) else {
            StandardError.error("'\(text)' is not an E.164 number: use the form +819012345678")
            throw ExitCode(2)
        }
        return n
    }
}
