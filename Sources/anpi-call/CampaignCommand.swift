import ArgumentParser

/// `anpi-call campaign …`: start and watch safety-confirmation campaigns on a running gateway.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Start, watch and cancel campaigns on a running gateway (its REST API).",
        discussion: """
            The gateway's address is --url (default $ANPI_CALL_URL, else http://127.0.0.1:$PORT with PORT from the
            environment or .env, else 8080) and the API token is --token (default $API_AUTH_TOKEN, also read from .env).
            """,
        subcommands: [CampaignStartCommand.self, CampaignStatusCommand.self, CampaignCancelCommand.self]
    )
}

/// Where the gateway is and how to authenticate, shared by the campaign commands.
struct GatewayAccess: ParsableArguments {
    @Option(help: "The gateway's base URL.")
    var url: String?

    @Option(help: "The gateway's API_AUTH_TOKEN.")
    var token: String?

    /// The client these options describe, with defaults from the environment and `.env`.
    func client() -> CampaignClient {
        let env = CampaignClient.environment()
        let base = url ?? env["ANPI_CALL_URL"] ?? "http://127.0.0.1:\(env["PORT"] ?? "8080")"
        return CampaignClient(baseURL: base, token: token ?? env["API_AUTH_TOKEN"])
    }
}
