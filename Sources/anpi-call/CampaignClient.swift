import AsyncHTTPClient
import Foundation
import Gateway
import NIOCore
import NIOHTTP1

/// The gateway's campaign API as the CLI uses it.
struct CampaignClient {
    let baseURL: String
    let token: String?

    /// The process environment over the variables of `.env` in the working directory.
    static func environment() -> [String: String] {
        var merged: [String: String] = [:]
        if let text = try? String(contentsOfFile: ".env", encoding: .utf8) {
            for (k, v) in DotEnv.parse(text) { merged[k] = v }
        }
        for (k, v) in ProcessInfo.processInfo.environment { merged[k] = v }
        return merged
    }

    /// Why a request failed, in words a user can act on.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json") async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw Failure(description: "cannot reach the gateway at \(baseURL) (\(error)); is `anpi-call serve` running? (--url)")
        }
        var buffer = try await response.body.collect(upTo: 64 << 20)
        let text = buffer.readString(length: buffer.readableBytes) ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        guard (200..<300).contains(Int(response.status.code)) else {
            let hint = response.status.code == 401 ? " (set API_AUTH_TOKEN or --token)" : ""
            throw Failure(description: "\(method.rawValue) \(path) → \(response.status.code): \(json["error"] as? String ?? text.prefix(300).description)\(hint)")
        }
        return json
    }

    /// One line: how far a campaign is.
    static func progressLine(_ campaign: [String: Any]) -> String {
        let counts = campaign["counts"] as? [String: Any] ?? [:]
        let total = counts["targets"] as? Int ?? 0
        let byState = counts["by_state"] as? [String: Int] ?? [:]
        func list(_ key: String) -> String {
            (counts[key] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let outcomes = list("by_outcome"), safety = list("by_safety")
        return "\(campaign["id"] as? String ?? "?") \(campaign["state"] as? String ?? "?"): \(byState["done", default: 0])/\(total) done"
            + (outcomes.isEmpty ? "" : " (\(outcomes))")
            + " · dialling \(byState["dialling", default: 0]) · pending \(byState["pending", default: 0])"
            + (byState["cancelled", default: 0] > 0 ? " · cancelled \(byState["cancelled", default: 0])" : "")
            + (safety.isEmpty ? "" : " · safety: \(safety)")
    }

    /// Polls until the campaign leaves `running`, printing a progress line a second to stderr.
    func watch(_ id: String) async throws -> [String: Any] {
        var last = ""
        while true {
            let campaign = try await request(.GET, "/campaigns/\(id)")
            let line = Self.progressLine(campaign)
            if line != last {
                StandardError.write(StandardError.isTerminal ? "\r\u{1B}[K" + line : line + "\n")
                last = line
            }
            if campaign["state"] as? String != "running" {
                if StandardError.isTerminal { StandardError.write("\n") }
                return campaign
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// The per-person table.
    static func table(_ campaign: [String: Any]) -> String {
        let targets = campaign["targets"] as? [[String: Any]] ?? []
        var out = "#     number            user              state      tries  outcome     safety\n"
        for t in targets {
            func s(_ k: String) -> String { t[k] as? String ?? "-" }
            let cells = [String(t["position"] as? Int ?? 0).padding(toLength: 5, withPad: " ", startingAt: 0),
                         s("to_number").padding(toLength: 17, withPad: " ", startingAt: 0),
                         s("user_id").padding(toLength: 17, withPad: " ", startingAt: 0),
                         s("state").padding(toLength: 10, withPad: " ", startingAt: 0),
                         String(t["attempts"] as? Int ?? 0).padding(toLength: 6, withPad: " ", startingAt: 0),
                         s("outcome").padding(toLength: 11, withPad: " ", startingAt: 0), s("safety_status")]
            out += cells.joined(separator: " ") + "\n"
        }
        return out
    }
}
