import Foundation
import Storage
import Twilio

/// `GET /dashboard`: one small server-rendered page — the campaigns with their progress and safety
/// counts, one campaign's people, and the latest calls — that reloads itself every few seconds.
/// No scripts, no external assets; every value is HTML-escaped.
enum StatusPage {
    static let refreshSeconds = 5

    static func render(campaigns: [Campaign], selected: Campaign?, calls: [StoredCall], now: Date = Date()) -> String {
        var html = """
            <!doctype html>
            <html lang="ja"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>anpi-call — 安否確認</title>
            <style>
            body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;margin:1.5rem;color:#1d2327;background:#f6f7f7}
            h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
            .sub{color:#646970;font-size:.85rem}
            table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
            th,td{padding:.35rem .55rem;border-bottom:1px solid #dcdcde;text-align:left;vertical-align:top}
            th{background:#f0f0f1;font-weight:600}
            .bar{background:#dcdcde;border-radius:3px;height:.6rem;width:10rem;overflow:hidden}
            .bar span{display:block;height:100%;background:#2271b1}
            .b{display:inline-block;padding:.05rem .45rem;border-radius:.7rem;font-size:.8rem;margin:0 .2rem .2rem 0;background:#dcdcde}
            .safe{background:#b8e6bf}.injured{background:#f5d9a8}.needs_help{background:#f4b2b2;font-weight:700}
            .unreachable,.unknown,.not_recorded{background:#dcdcde}
            a{color:#2271b1}
            </style></head><body>
            <h1>anpi-call — 安否確認 status</h1>
            <div class="sub">\(escape(iso(now))) · reloads every \(refreshSeconds) s</div>
            <h2>Campaigns</h2>
            """
        if campaigns.isEmpty {
            html += "<p class=\"sub\">No campaign yet: <code>anpi-call campaign start people.csv</code></p>"
        } else {
            html += "<table><tr><th>campaign</th><th>state</th><th>progress</th><th>outcomes</th><th>safety</th><th>created</th></tr>"
            for c in campaigns {
                let done = c.counts.byState["done", default: 0], total = max(c.counts.targets, 1)
                html += "<tr><td><a href=\"/dashboard?campaign=\(escape(c.id))\">\(escape(c.name.isEmpty ? c.id : c.name))</a><br><span class=\"sub\">\(escape(c.id))</span></td>"
                html += "<td>\(escape(c.state))</td>"
                html += "<td><div class=\"bar\"><span style=\"width:\(done * 100 / total)%\"></span></div>\(done) / \(c.counts.targets)"
                html += " <span class=\"sub\">dialling \(c.counts.byState["dialling", default: 0]) · pending \(c.counts.byState["pending", default: 0])</span></td>"
                html += "<td>\(badges(c.counts.byOutcome))</td><td>\(badges(c.counts.bySafety, styled: true))</td><td>\(escape(iso(c.createdAt)))</td></tr>"
            }
            html += "</table>"
        }
        if let c = selected {
            html += "<h2>\(escape(c.name.isEmpty ? c.id : c.name)): people</h2>"
            html += "<table><tr><th>#</th><th>number</th><th>user</th><th>state</th><th>attempts</th><th>outcome</th><th>safety</th></tr>"
            for t in c.targets {
                html += "<tr><td>\(t.position)</td><td>\(escape(t.toNumber))</td><td>\(escape(t.userID))</td><td>\(escape(t.state))</td>"
                html += "<td>\(t.attempts)</td><td>\(escape(t.outcome ?? "–"))</td><td>\(t.safetyStatus.map { badge($0, styled: true) } ?? "–")</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>Latest calls</h2>"
        if calls.isEmpty {
            html += "<p class=\"sub\">No call yet.</p>"
        } else {
            html += "<table><tr><th>created</th><th>user</th><th>number</th><th>status</th><th>safety</th><th>ended</th><th>details</th></tr>"
            for call in calls {
                html += "<tr><td>\(escape(iso(call.createdAt)))</td><td>\(escape(call.userID))</td><td>\(escape(call.toNumber ?? call.direction))</td>"
                html += "<td>\(escape(call.status))</td><td>\(call.safety.map { badge($0.status, styled: true) } ?? "–")</td>"
                html += "<td>\(escape(call.endReason ?? "–"))</td><td>\(escape([call.safety?.details, call.safety?.location].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")))</td></tr>"
            }
            html += "</table>"
        }
        return html + "</body></html>\n"
    }

    static func badges(_ counts: [String: Int], styled: Bool = false) -> String {
        counts.isEmpty ? "–" : counts.sorted { $0.key < $1.key }.map { badge("\($0.key) \($0.value)", cls: styled ? $0.key : "") }.joined()
    }

    static func badge(_ text: String, styled: Bool = false) -> String {
        badge(text, cls: styled ? text : "")
    }

    static func badge(_ text: String, cls: String) -> String {
        let safeClass = cls.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" } ? cls : ""
        return "<span class=\"b \(safeClass)\">\(escape(text))</span>"
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// Text as HTML (element content or a quoted attribute): the same escaping as TwiML's XML.
    static func escape(_ text: String) -> String { TwiML.escape(text) }
}
