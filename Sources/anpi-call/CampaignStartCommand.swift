import ArgumentParser
import Foundation
import NIOHTTP1

/// `anpi-call campaign start FILE.csv`: upload a CSV of people to call.
struct CampaignStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a campaign from a CSV file (header: to_number[,user_id][,message]).",
        discussion: "Prints the campaign id on standard output; with --wait, a progress line until it ends and then each person's result."
    )

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var access: GatewayAccess

    @Option(help: "A name shown on the status page.") var name: String?
    @Option(help: "What the calls are for, told to the assistant (a row's own message wins).") var message: String?
    @Option(name: .customLong("calls-per-second"), help: "New calls a second (default 1).") var callsPerSecond: Double?
    @Option(name: .customLong("max-concurrent"), help: "Calls of this campaign at once (default 10).") var maxConcurrent: Int?
    @Option(name: .customLong("max-attempts"), help: "Attempts per person, the first included (default 3).") var maxAttempts: Int?
    @Option(name: .customLong("retry-delay"), help: "Seconds before calling someone again (default 300).") var retryDelay: Int?
    @Option(name: .customLong("retry-on"), help: "Outcomes retried (default no-answer,busy,failed).") var retryOn: String?
    @Option(help: "Calling window in the callees' time, e.g. 09:00-20:00.") var window: String?
    @Option(name: .customLong("time-zone"), help: "The callees' time zone (default Asia/Tokyo).") var timeZone: String?
    @Flag(help: "Watch the campaign until it ends, then print the results.") var wait = false

    func run() async throws {
        guard let csv = FileManager.default.contents(atPath: file) else {
            StandardError.error("cannot read \(file)")
            throw ExitCode(2)
        }
        var query: [(String, String)] = []
        if let name { query.append(("name", name)) }
        if let message { query.append(("message", message)) }
        if let callsPerSecond { query.append(("calls_per_second", String(callsPerSecond))) }
        if let maxConcurrent { query.append(("max_concurrent", String(maxConcurrent))) }
        if let maxAttempts { query.append(("max_attempts", String(maxAttempts))) }
        if let retryDelay { query.append(("retry_delay_seconds", String(retryDelay))) }
        if let retryOn { query.append(("retry_on", retryOn)) }
        if let window {
            let parts = window.split(separator: "-").map(String.init)
            guard parts.count == 2 else {
                StandardError.error("--window must be START-END, e.g. 09:00-20:00")
                throw ExitCode(2)
            }
            query += [("window_start", parts[0]), ("window_end", parts[1]), ("time_zone", timeZone ?? "Asia/Tokyo")]
        }
        let queryText = query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let client = access.client()
        do {
            let created = try await client.request(.POST, "/campaigns" + queryText, body: [UInt8](csv), contentType: "text/csv")
            let id = created["campaign_id"] as? String ?? "?"
            print(id)
            StandardError.write("campaign \(id) started: \(created["targets"] as? Int ?? 0) people (anpi-call campaign status \(id))\n")
            if wait {
                let campaign = try await client.watch(id)
                print(CampaignClient.table(campaign), terminator: "")
            }
        } catch {
            StandardError.error("\(error)")
            throw ExitCode(1)
        }
    }
}
