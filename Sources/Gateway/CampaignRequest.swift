import Foundation
import Storage
import Twilio

/// A new campaign as `POST /campaigns` describes it — JSON, or a CSV file with the options in the
/// query string — checked in full: every problem is reported at once, with the row it is on.
struct CampaignRequest {
    var name: String
    var message: String
    var options: CampaignOptions
    var targets: [Campaign.Target]

    /// Most people in one campaign.
    static let maxTargets = 10_000

    /// `{"name", "message", "options": {…}, "targets": [{"to_number", "user_id", "message"}]}`.
    static func json(_ body: [UInt8], limits: CallLimits) throws(OutboundCallError) -> CampaignRequest {
        struct Body: Decodable {
            struct Target: Decodable {
                var to_number: String
                var user_id: String?
                var message: String?
            }
            var name: String?
            var message: String?
            var options: CampaignOptions?
            var targets: [Target]
        }
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(body))
        } catch {
            throw .badRequest("the body must be JSON {\"targets\": [{\"to_number\": \"+81…\", \"user_id\": \"…\"}], \"options\": {…}} (or text/csv): \(describe(error))")
        }
        let rows = decoded.targets.enumerated().map { (line: $0.offset + 1, number: $0.element.to_number, user: $0.element.user_id ?? "", message: $0.element.message ?? "") }
        return try make(name: decoded.name ?? "", message: decoded.message ?? "", options: decoded.options ?? CampaignOptions(), rows: rows, rowWord: "target", limits: limits)
    }

    /// A CSV file with a `to_number` column (and optionally `user_id`, `message`); options from `query`.
    static func csv(_ body: [UInt8], query: [String: String], limits: CallLimits) throws(OutboundCallError) -> CampaignRequest {
        let table: CSVTable
        do {
            table = try CSVTable.parse(String(decoding: body, as: UTF8.self))
        } catch {
            throw .badRequest("the CSV file cannot be read: \(error)")
        }
        guard let numberColumn = table.header.firstIndex(of: "to_number") else {
            throw .badRequest("the CSV header needs a to_number column (found: \(table.header.joined(separator: ",")))")
        }
        let userColumn = table.header.firstIndex(of: "user_id"), messageColumn = table.header.firstIndex(of: "message")
        func cell(_ fields: [String], _ column: Int?) -> String {
            guard let column, column < fields.count else { return "" }
            return fields[column].trimmingCharacters(in: .whitespaces)
        }
        let rows = table.rows.map { (line: $0.line, number: cell($0.fields, numberColumn), user: cell($0.fields, userColumn), message: cell($0.fields, messageColumn)) }
        var options = CampaignOptions()
        var problems: [String] = []
        func number(_ key: String) -> Double? {
            guard let text = query[key] else { return nil }
            guard let value = Double(text) else { problems.append("\(key) must be a number, not '\(text.prefix(20))'"); return nil }
            return value
        }
        if let v = number("calls_per_second") { options.callsPerSecond = v }
        if let v = number("max_concurrent") { options.maxConcurrent = Int(v) }
        if let v = number("max_attempts") { options.maxAttempts = Int(v) }
        if let v = number("retry_delay_seconds") { options.retryDelaySeconds = Int(v) }
        if let list = query["retry_on"] { options.retryOn = list.split(separator: ",").map { String($0) } }
        if query["window_start"] != nil || query["window_end"] != nil {
            options.window = CallingWindow(start: query["window_start"] ?? "", end: query["window_end"] ?? "", timeZone: query["time_zone"] ?? "Asia/Tokyo")
        }
        guard problems.isEmpty else { throw .badRequest(problems.joined(separator: "; ")) }
        return try make(name: query["name"] ?? "", message: query["message"] ?? "", options: options, rows: rows, rowWord: "line", limits: limits)
    }

    private static func make(name: String, message: String, options: CampaignOptions, rows: [(line: Int, number: String, user: String, message: String)],
                             rowWord: String, limits: CallLimits) throws(OutboundCallError) -> CampaignRequest {
        var problems = options.problems
        if rows.isEmpty { problems.append("there is no one to call") }
        if rows.count > maxTargets { problems.append("at most \(maxTargets) people per campaign, not \(rows.count)") }
        var seen: [String: Int] = [:]
        var targets: [Campaign.Target] = []
        for row in rows.prefix(maxTargets) {
            guard let number = E164Number(row.number) else {
                problems.append("\(rowWord) \(row.line): '\(row.number.prefix(30))' is not an E.164 number such as +819012345678")
                continue
            }
            guard limits.allows(number) else {
                problems.append("\(rowWord) \(row.line): \(number) is outside ALLOWED_DESTINATIONS (\(limits.allowedDestinations.joined(separator: ",")))")
                continue
            }
            if let first = seen[number.rawValue] {
                problems.append("\(rowWord) \(row.line): \(number) is already on \(rowWord) \(first)")
                continue
            }
            if row.message.count > OutboundCallRequest.maxMessageCharacters { problems.append("\(rowWord) \(row.line): message is too long") }
            if row.user.count > OutboundCallRequest.maxUserIDCharacters { problems.append("\(rowWord) \(row.line): user_id is too long") }
            seen[number.rawValue] = row.line
            targets.append(Campaign.Target(position: targets.count + 1, toNumber: number.rawValue, userID: row.user, message: row.message))
        }
        if message.count > OutboundCallRequest.maxMessageCharacters { problems.append("message is too long") }
        guard problems.isEmpty else {
            let shown = problems.prefix(20).joined(separator: "; ")
            throw .badRequest(problems.count > 20 ? shown + "; and \(problems.count - 20) more" : shown)
        }
        return CampaignRequest(name: String(name.prefix(200)), message: message, options: options, targets: targets)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let c): "missing '\((c.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let c): "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "invalid JSON"
        }
    }
}
