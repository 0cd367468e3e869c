import Foundation
import SQLiteNIO

extension SQLiteCallRecordStore: CampaignStore {
    static let finalStatuses = ["completed", "busy", "no-answer", "failed", "canceled"]

    public func createCampaign(_ campaign: Campaign, targets: [Campaign.Target]) async throws(StoreError) {
        let options = String(decoding: (try? JSONEncoder().encode(campaign.options)) ?? Data("{}".utf8), as: UTF8.self)
        _ = try await run("BEGIN IMMEDIATE")
        do {
            _ = try await run("INSERT INTO campaigns (id, name, message, created_at, state, options) VALUES (?, ?, ?, ?, ?, ?)",
                              [.text(campaign.id), .text(campaign.name), .text(campaign.message), Self.time(campaign.createdAt), .text(campaign.state), .text(options)])
            for t in targets {
                _ = try await run("""
                    INSERT INTO campaign_targets (campaign_id, position, to_number, user_id, message, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, [.text(campaign.id), .integer(t.position), .text(t.toNumber), .text(t.userID), .text(t.message), Self.time(campaign.createdAt)])
            }
            _ = try await run("COMMIT")
        } catch {
            _ = try? await run("ROLLBACK")
            throw error
        }
    }

    public func campaign(id: String) async throws(StoreError) -> Campaign? {
        guard let row = try await run("SELECT * FROM campaigns WHERE id = ?", [.text(id)]).first else { return nil }
        var campaign = try await decodeCampaign(row)
        for t in try await run("SELECT * FROM campaign_targets WHERE campaign_id = ? ORDER BY position", [.text(id)]) {
            campaign.targets.append(Campaign.Target(
                position: t.column("position")?.integer ?? 0, toNumber: t.column("to_number")?.string ?? "", userID: t.column("user_id")?.string ?? "",
                message: t.column("message")?.string ?? "", state: t.column("state")?.string ?? "", attempts: t.column("attempts")?.integer ?? 0,
                outcome: t.column("outcome")?.string, safetyStatus: t.column("safety_status")?.string, lastCallID: t.column("last_call_id")?.string,
                nextAttemptAt: t.column("state")?.string == "pending" ? t.column("next_attempt_at")?.double.map { Date(timeIntervalSince1970: $0) } : nil))
        }
        return campaign
    }

    public func campaigns(limit: Int) async throws(StoreError) -> [Campaign] {
        var out: [Campaign] = []
        for row in try await run("SELECT * FROM campaigns ORDER BY created_at DESC, id LIMIT ?", [.integer(max(1, limit))]) {
            out.append(try await decodeCampaign(row))
        }
        return out
    }

    private func decodeCampaign(_ row: SQLiteRow) async throws(StoreError) -> Campaign {
        let id = row.column("id")?.string ?? ""
        let options = (try? JSONDecoder().decode(CampaignOptions.self, from: Data((row.column("options")?.string ?? "{}").utf8))) ?? CampaignOptions()
        var counts = Campaign.Counts()
        for c in try await run("""
            SELECT state, outcome, safety_status, COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? GROUP BY state, outcome, safety_status
            """, [.text(id)]) {
            let n = c.column("n")?.integer ?? 0
            counts.targets += n
            counts.byState[c.column("state")?.string ?? "", default: 0] += n
            if c.column("state")?.string == "done", let outcome = c.column("outcome")?.string { counts.byOutcome[outcome, default: 0] += n }
            if let safety = c.column("safety_status")?.string {
                counts.bySafety[safety, default: 0] += n
            } else if c.column("state")?.string == "done", c.column("outcome")?.string == "completed" {
                // Answered, but the assistant recorded nothing (hung up early, or no conversation).
                counts.bySafety["not_recorded", default: 0] += n
            }
        }
        return Campaign(id: id, name: row.column("name")?.string ?? "", message: row.column("message")?.string ?? "",
                        createdAt: Date(timeIntervalSince1970: row.column("created_at")?.double ?? 0), state: row.column("state")?.string ?? "",
                        options: options, counts: counts)
    }

    public func runningCampaigns() async throws(StoreError) -> [(id: String, message: String, options: CampaignOptions)] {
        try await run("SELECT id, message, options FROM campaigns WHERE state = 'running' ORDER BY created_at").compactMap { row in
            guard let id = row.column("id")?.string,
                  let options = try? JSONDecoder().decode(CampaignOptions.self, from: Data((row.column("options")?.string ?? "").utf8)) else { return nil }
            return (id, row.column("message")?.string ?? "", options)
        }
    }

    public func inFlight(campaignID: String) async throws(StoreError) -> Int {
        try await run("SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? AND state = 'dialling'", [.text(campaignID)])
            .first?.column("n")?.integer ?? 0
    }

    public func claimDue(campaignID: String, limit: Int, now: Date, leaseUntil: Date) async throws(StoreError) -> [Campaign.Target] {
        guard limit > 0 else { return [] }
        try await settleExpiredLeases(campaignID: campaignID, now: now, callLease: leaseUntil.timeIntervalSince(now))
        // One statement: SQLite runs it alone, so no two claimers can take the same target.
        let rows = try await run("""
            UPDATE campaign_targets SET state = 'dialling', attempts = attempts + 1, lease_until = ?3
            WHERE rowid IN (
                SELECT rowid FROM campaign_targets
                WHERE campaign_id = ?1 AND ((state = 'pending' AND next_attempt_at <= ?2) OR (state = 'dialling' AND lease_until < ?2))
                ORDER BY next_attempt_at, position LIMIT ?4)
              AND EXISTS (SELECT 1 FROM campaigns WHERE id = ?1 AND state = 'running')
            RETURNING position, to_number, user_id, message, attempts
            """, [.text(campaignID), Self.time(now), Self.time(leaseUntil), .integer(limit)])
        return rows.map { r in
            Campaign.Target(position: r.column("position")?.integer ?? 0, toNumber: r.column("to_number")?.string ?? "",
                            userID: r.column("user_id")?.string ?? "", message: r.column("message")?.string ?? "",
                            state: "dialling", attempts: r.column("attempts")?.integer ?? 0)
        }.sorted { $0.position < $1.position }
    }

    public func willDial(campaignID: String, position: Int, callID: String) async throws(StoreError) {
        _ = try await run("UPDATE campaign_targets SET last_call_id = ?3, last_call_sid = NULL WHERE campaign_id = ?1 AND position = ?2",
                          [.text(campaignID), .integer(position), .text(callID)])
    }

    /// Before a dialling target whose lease ran out is taken again, looks at its last call: if Twilio
    /// placed it (its record has a CallSid), it is never dialled again — a final status settles it, a
    /// call still without one gets a long lease (it may still be talking) and then ends as `unknown`;
    /// only a call that never reached Twilio is dialled again.
    private func settleExpiredLeases(campaignID: String, now: Date, callLease: Double) async throws(StoreError) {
        let expired = try await run("""
            SELECT t.position, t.last_call_id, t.last_call_sid, c.call_sid AS record_sid, t.lease_until FROM campaign_targets t
            LEFT JOIN calls c ON c.id = t.last_call_id
            WHERE t.campaign_id = ?1 AND t.state = 'dialling' AND t.lease_until < ?2
            """, [.text(campaignID), Self.time(now)])
        for row in expired {
            guard let position = row.column("position")?.integer,
                  let sid = row.column("last_call_sid")?.string ?? row.column("record_sid")?.string else { continue }  // never placed: re-dialled
            let finals = Self.finalStatuses.map { _ in "?" }.joined(separator: ", ")
            if let status = try await run("SELECT status FROM call_status_events WHERE call_sid = ? AND status IN (\(finals)) ORDER BY sequence DESC LIMIT 1",
                                          [.text(sid)] + Self.finalStatuses.map { .text($0) }).first?.column("status")?.string {
                _ = try await run("UPDATE campaign_targets SET last_call_sid = ?3 WHERE campaign_id = ?1 AND position = ?2",
                                  [.text(campaignID), .integer(position), .text(sid)])
                try await callFinished(callSID: sid, status: status, now: now)
            } else if row.column("last_call_sid")?.string == nil {
                // Placed, but the dialler died before noting it: note it now, with a call's lease.
                _ = try await run("UPDATE campaign_targets SET last_call_sid = ?3, lease_until = ?4 WHERE campaign_id = ?1 AND position = ?2",
                                  [.text(campaignID), .integer(position), .text(sid), Self.time(now.addingTimeInterval(max(callLease, 3600)))])
            } else {
                _ = try await run("UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = 'unknown' WHERE campaign_id = ?1 AND position = ?2",
                                  [.text(campaignID), .integer(position)])
            }
        }
        if !expired.isEmpty { try await finishIfDone(campaignID) }
    }

    public func dialled(campaignID: String, position: Int, callID: String, callSID: String, leaseUntil: Date) async throws(StoreError) {
        _ = try await run("""
            UPDATE campaign_targets SET last_call_id = ?3, last_call_sid = ?4, lease_until = ?5, outcome = NULL, safety_status = NULL
            WHERE campaign_id = ?1 AND position = ?2
            """, [.text(campaignID), .integer(position), .text(callID), .text(callSID), Self.time(leaseUntil)])
        // Twilio may have reported the end of the call before we got here.
        let finals = Self.finalStatuses.map { _ in "?" }.joined(separator: ", ")
        if let row = try await run("SELECT status, received_at FROM call_status_events WHERE call_sid = ? AND status IN (\(finals)) ORDER BY sequence DESC LIMIT 1",
                                   [.text(callSID)] + Self.finalStatuses.map { .text($0) }).first,
           let status = row.column("status")?.string {
            try await callFinished(callSID: callSID, status: status, now: Date(timeIntervalSince1970: row.column("received_at")?.double ?? 0))
        }
    }

    public func notDialled(campaignID: String, position: Int, at: Date?, countAttempt: Bool, outcome: String) async throws(StoreError) {
        if let at {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'pending', next_attempt_at = ?3, lease_until = NULL, outcome = ?4,
                    attempts = attempts - (CASE WHEN ?5 THEN 0 ELSE 1 END)
                WHERE campaign_id = ?1 AND position = ?2 AND state = 'dialling'
                """, [.text(campaignID), .integer(position), Self.time(at), .text(outcome), .integer(countAttempt ? 1 : 0)])
        } else {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = ?3 WHERE campaign_id = ?1 AND position = ?2 AND state = 'dialling'
                """, [.text(campaignID), .integer(position), .text(outcome)])
        }
        try await finishIfDone(campaignID)
    }

    public func callFinished(callSID: String, status: String, now: Date) async throws(StoreError) {
        guard let row = try await run("""
            SELECT t.campaign_id, t.position, t.attempts, c.options, c.state FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id
            WHERE t.last_call_sid = ? AND t.state = 'dialling'
            """, [.text(callSID)]).first, let campaignID = row.column("campaign_id")?.string, let position = row.column("position")?.integer
        else { return }
        let options = (try? JSONDecoder().decode(CampaignOptions.self, from: Data((row.column("options")?.string ?? "{}").utf8))) ?? CampaignOptions()
        let attempts = row.column("attempts")?.integer ?? 0
        let retry = options.retryOn.contains(status) && attempts < options.maxAttempts && row.column("state")?.string == "running"
        if retry {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'pending', next_attempt_at = ?3, lease_until = NULL, outcome = ?4 WHERE campaign_id = ?1 AND position = ?2
                """, [.text(campaignID), .integer(position), Self.time(now.addingTimeInterval(Double(options.retryDelaySeconds))), .text(status)])
        } else {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = ?3 WHERE campaign_id = ?1 AND position = ?2
                """, [.text(campaignID), .integer(position), .text(status)])
        }
        try await finishIfDone(campaignID)
    }

    public func cancelCampaign(id: String) async throws(StoreError) -> Bool {
        guard try await run("SELECT 1 FROM campaigns WHERE id = ?", [.text(id)]).first != nil else { return false }
        _ = try await run("UPDATE campaigns SET state = 'cancelled' WHERE id = ? AND state = 'running'", [.text(id)])
        _ = try await run("UPDATE campaign_targets SET state = 'cancelled' WHERE campaign_id = ? AND state = 'pending'", [.text(id)])
        return true
    }

    /// A running campaign with nothing pending or dialling is finished.
    private func finishIfDone(_ campaignID: String) async throws(StoreError) {
        _ = try await run("""
            UPDATE campaigns SET state = 'finished' WHERE id = ?1 AND state = 'running'
              AND NOT EXISTS (SELECT 1 FROM campaign_targets WHERE campaign_id = ?1 AND state IN ('pending', 'dialling'))
            """, [.text(campaignID)])
    }
}
