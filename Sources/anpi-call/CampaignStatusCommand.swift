import ArgumentParser
import Foundation
import NIOHTTP1

/// `anpi-call campaign status ID`: where a campaign stands, person by person.
struct CampaignStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a campaign's progress and each person's result."
    )

    @Argument(help: "The campaign id (k_…).")
    var id: String

    @OptionGroup var access: GatewayAccess

    @Flag(help: "Show a progress line until the campaign ends.") var watch = false
    @Flag(help: "Print the campaign as JSON.") var json = false

    func run() async throws {
        let client = access.client()
        do {
            let campaign = watch ? try await client.watch(id) : try await client.request(.GET, "/campaigns/\(id)")
            if json {
                let data = try JSONSerialization.data(withJSONObject: campaign, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                if !watch { print(CampaignClient.progressLine(campaign)) }
                print(CampaignClient.table(campaign), terminator: "")
            }
        } catch {
            StandardError.error("\(error)")
            throw ExitCode(1)
        }
    }
}

/// `anpi-call campaign cancel ID`.
struct CampaignCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a campaign's calls not yet made (calls in progress finish).")

    @Argument(help: "The campaign id (k_…).")
    var id: String

    @OptionGroup var access: GatewayAccess

    func run() async throws {
        do {
            let answer = try await access.client().request(.POST, "/campaigns/\(id)/cancel")
            print("\(id) \(answer["state"] as? String ?? "cancelled")")
        } catch {
            StandardError.error("\(error)")
            throw ExitCode(1)
        }
    }
}
