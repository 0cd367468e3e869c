import Foundation

extension SQLStore: CampaignStore {
    /// Targets inserted per statement when a campaign is created.
    static let targetsPerInsert = 100

    public func createCampaign(_ campaign: Campaign, targets: [Campaign.Target]) async throws(StoreError) {
        try await prepare()
        let options = String(decoding: (try? JSONEncoder().encode(campaign.options)) ?? Data("{}".utf8), as: UTF8.self)
        try await database.transaction { db throws(StoreError) in
            try await db.execute("INSERT INTO campaigns (id, name, message, created_at, state, options) VALUES ($1, $2, $3, $4, $5, $6)",
                                 [.text(campaign.id), .text(campaign.name), .text(campaign.message), .time(campaign.createdAt), .text(campaign.state), .text(options)])
            for start in stride(from: 0, to: targets.count, by: Self.targetsPerInsert) {
                let chunk = targets[start..<min(start + Self.targetsPerInsert, targets.count)]
                // Placeholders are numbered from the chunk's size (never from its content).
                var binds: [SQLValue] = [.text(campaign.id), .time(campaign.createdAt)]
                var rows: [String] = []
                for t in chunk {
                    binds += [.integer(t.position), .text(t.toNumber), .text(t.userID), .text(t.message)]
                    let n = binds.count
                    rows.append("($1, $\(n - 3), $\(n - 2), $\(n - 1), $\(n), $2)")
                }
                try await db.execute("INSERT INTO campaign_targets (campaign_id, position, to_number, user_id, message, next_attempt_at) VALUES "
                                     + rows.joined(separator: ", "), binds)
            }
        }
    }

    public func campaign(id: String) async throws(StoreError) -> Campaign? {
        guard let row = try await run("SELECT * FROM campaigns WHERE id = $1", [.text(id)]).first else { return nil }
        var campaign = try await decodeCampaign(row)
        for t in try await run("SELECT * FROM campaign_targets WHERE campaign_id = $1 ORDER BY position", [.text(id)]) {
            campaign.targets.append(Campaign.Target(
                position: t.int("position") ?? 0, toNumber: t.string("to_number") ?? "", userID: t.string("user_id") ?? "",
                message: t.string("message") ?? "", state: t.string("state") ?? "", attempts: t.int("attempts") ?? 0,
                outcome: t.string("outcome"), safetyStatus: t.string("safety_status"), lastCallID: t.string("last_call_id"),
                nextAttemptAt: t.string("state") == "pending" ? t.date("next_attempt_at") : nil))
        }
        return campaign
    }

    public func campaigns(limit: Int) async throws(StoreError) -> [Campaign] {
        var out: [Campaign] = []
        for row in try await run("SELECT * FROM campaigns ORDER BY created_at DESC, id LIMIT $1", [.integer(max(1, limit))]) {
            out.append(try await decodeCampaign(row))
        }
        return out
    }

    private static func options(_ row: SQLRow) -> CampaignOptions? {
        try? JSONDecoder().decode(CampaignOptions.self, from: Data((row.string("options") ?? "").utf8))
    }

    private func decodeCampaign(_ row: SQLRow) async throws(StoreError) -> Campaign {
        let id = row.string("id") ?? ""
        var counts = Campaign.Counts()
        for c in try await run("""
            SELECT state, outcome, safety_status, COUNT(*) AS n FROM campaign_targets WHERE campaign_id = $1 GROUP BY state, outcome, safety_status
            """, [.text(id)]) {
            let n = c.int("n") ?? 0
            counts.targets += n
            counts.byState[c.string("state") ?? "", default: 0] += n
            if c.string("state") == "done", let outcome = c.string("outcome") { counts.byOutcome[outcome, default: 0] += n }
            if let safety = c.string("safety_status") {
                counts.bySafety[safety, default: 0] += n
            } else if c.string("state") == "done", c.string("outcome") == "completed" {
                // Answered, but the assistant recorded nothing (hung up early, or no conversation).
                counts.bySafety["not_recorded", default: 0] += n
            }
        }
        return Campaign(id: id, name: row.string("name") ?? "", message: row.string("message") ?? "",
                        createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0), state: row.string("state") ?? "",
                        options: Self.options(row) ?? CampaignOptions(), counts: counts)
    }

    public func runningCampaigns() async throws(StoreError) -> [(id: String, message: String, options: CampaignOptions)] {
        try await run("SELECT id, message, options FROM campaigns WHERE state = 'running' ORDER BY created_at", []).compactMap { row in
            guard let id = row.string("id"), let options = Self.options(row) else { return nil }
            return (id, row.string("message") ?? "", options)
        }
    }

    public func inFlight(campaignID: String) async throws(StoreError) -> Int {
        try await run("SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id = $1 AND state = 'dialling'", [.text(campaignID)])
            .first?.int("n") ?? 0
    }

    public func claimDue(campaignID: String, limit: Int, now: Date, leaseUntil: Date) async throws(StoreError) -> [Campaign.Target] {
        guard limit > 0 else { return [] }
        try await settleExpiredLeases(campaignID: campaignID, now: now, callLease: leaseUntil.timeIntervalSince(now))
        // One statement. SQLite runs it alone; PostgreSQL locks the rows it picks and other instances
        // skip them, so no two claimers ever take the same target. The pick is a materialised CTE: as a
        // sub-select of the UPDATE, PostgreSQL may run it again per row, and its LIMIT would not hold.
        let rows = try await run("""
            WITH picked AS MATERIALIZED (
                SELECT position FROM campaign_targets
                WHERE campaign_id = $1 AND ((state = 'pending' AND next_attempt_at <= $2) OR (state = 'dialling' AND lease_until < $2))
                ORDER BY next_attempt_at, position LIMIT $4\(database.dialect.claimLock))
            UPDATE campaign_targets SET state = 'dialling', attempts = attempts + 1, lease_until = $3
            WHERE campaign_id = $1 AND position IN (SELECT position FROM picked)
              AND EXISTS (SELECT 1 FROM campaigns WHERE id = $1 AND state = 'running')
            RETURNING position, to_number, user_id, message, attempts
            """, [.text(campaignID), .time(now), .time(leaseUntil), .integer(limit)])
        return rows.map { r in
            Campaign.Target(position: r.int("position") ?? 0, toNumber: r.string("to_number") ?? "", userID: r.string("user_id") ?? "",
                            message: r.string("message") ?? "", state: "dialling", attempts: r.int("attempts") ?? 0)
        }.sorted { $0.position < $1.position }
    }

    public func willDial(campaignID: String, position: Int, callID: String) async throws(StoreError) {
        _ = try await run("UPDATE campaign_targets SET last_call_id = $3, last_call_sid = NULL WHERE campaign_id = $1 AND position = $2",
                          [.text(campaignID), .integer(position), .text(callID)])
    }

    /// The latest final status Twilio reported for `callSID`, and when it arrived.
    private func finalStatus(of callSID: String) async throws(StoreError) -> (status: String, at: Date)? {
        guard let row = try await run("""
            SELECT status, received_at FROM call_status_events WHERE call_sid = $1 AND status IN \(Self.finalStatusList) ORDER BY sequence DESC LIMIT 1
            """, [.text(callSID)]).first, let status = row.string("status") else { return nil }
        return (status, row.date("received_at") ?? Date(timeIntervalSince1970: 0))
    }

    /// Before a dialling target whose lease ran out is taken again, looks at its last call: if Twilio
    /// placed it (its record has a CallSid), it is never dialled again — a final status settles it, a
    /// call still without one gets a long lease (it may still be talking) and then ends as `unknown`;
    /// only a call that never reached Twilio is dialled again. Each step changes a target only if it
    /// is still as it was seen, so instances settling the same target together agree.
    private func settleExpiredLeases(campaignID: String, now: Date, callLease: Double) async throws(StoreError) {
        let expired = try await run("""
            SELECT t.position, t.last_call_id, t.last_call_sid, c.call_sid AS record_sid, t.lease_until FROM campaign_targets t
            LEFT JOIN calls c ON c.id = t.last_call_id
            WHERE t.campaign_id = $1 AND t.state = 'dialling' AND t.lease_until < $2
            """, [.text(campaignID), .time(now)])
        for row in expired {
            guard let position = row.int("position"),
                  let sid = row.string("last_call_sid") ?? row.string("record_sid") else { continue }  // never placed: re-dialled
            let stillExpired = "campaign_id = $1 AND position = $2 AND state = 'dialling' AND lease_until < $4"
            if let final = try await finalStatus(of: sid) {
                _ = try await run("UPDATE campaign_targets SET last_call_sid = $3 WHERE \(stillExpired)",
                                  [.text(campaignID), .integer(position), .text(sid), .time(now)])
                try await callFinished(callSID: sid, status: final.status, now: now)
            } else if row.string("last_call_sid") == nil {
                // Placed, but the dialler died before noting it: note it now, with a call's lease.
                _ = try await run("UPDATE campaign_targets SET last_call_sid = $3, lease_until = $5 WHERE \(stillExpired)",
                                  [.text(campaignID), .integer(position), .text(sid), .time(now), .time(now.addingTimeInterval(max(callLease, 3600)))])
            } else {
                _ = try await run("UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = 'unknown' WHERE \(stillExpired) AND last_call_sid = $3",
                                  [.text(campaignID), .integer(position), .text(sid), .time(now)])
            }
        }
        if !expired.isEmpty { try await finishIfDone(campaignID) }
    }

    public func dialled(campaignID: String, position: Int, callID: String, callSID: String, leaseUntil: Date) async throws(StoreError) {
        _ = try await run("""
            UPDATE campaign_targets SET last_call_id = $3, last_call_sid = $4, lease_until = $5, outcome = NULL, safety_status = NULL
            WHERE campaign_id = $1 AND position = $2
            """, [.text(campaignID), .integer(position), .text(callID), .text(callSID), .time(leaseUntil)])
        // Twilio may have reported the end of the call before we got here.
        if let final = try await finalStatus(of: callSID) {
            try await callFinished(callSID: callSID, status: final.status, now: final.at)
        }
    }

    public func notDialled(campaignID: String, position: Int, at: Date?, countAttempt: Bool, outcome: String) async throws(StoreError) {
        if let at {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'pending', next_attempt_at = $3, lease_until = NULL, outcome = $4, attempts = attempts - 1 + $5
                WHERE campaign_id = $1 AND position = $2 AND state = 'dialling'
                """, [.text(campaignID), .integer(position), .time(at), .text(outcome), .integer(countAttempt ? 1 : 0)])
        } else {
            _ = try await run("""
                UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = $3 WHERE campaign_id = $1 AND position = $2 AND state = 'dialling'
                """, [.text(campaignID), .integer(position), .text(outcome)])
        }
        try await finishIfDone(campaignID)
    }

    public func callFinished(callSID: String, status: String, now: Date) async throws(StoreError) {
        guard let row = try await run("""
            SELECT t.campaign_id, t.position, t.attempts, c.options, c.state FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id
            WHERE t.last_call_sid = $1 AND t.state = 'dialling'
            """, [.text(callSID)]).first, let campaignID = row.string("campaign_id"), let position = row.int("position")
        else { return }
        let options = Self.options(row) ?? CampaignOptions()
        let attempts = row.int("attempts") ?? 0
        let retry = options.retryOn.contains(status) && attempts < options.maxAttempts && row.string("state") == "running"
        // Only while the target still waits on this call: a repeated callback, or one another instance
        // handles at the same moment, changes nothing.
        let stillThisCall = "campaign_id = $1 AND position = $2 AND state = 'dialling' AND last_call_sid = $4"
        if retry {
            _ = try await run("UPDATE campaign_targets SET state = 'pending', next_attempt_at = $5, lease_until = NULL, outcome = $3 WHERE \(stillThisCall)",
                              [.text(campaignID), .integer(position), .text(status), .text(callSID),
                               .time(now.addingTimeInterval(Double(options.retryDelaySeconds)))])
        } else {
            _ = try await run("UPDATE campaign_targets SET state = 'done', lease_until = NULL, outcome = $3 WHERE \(stillThisCall)",
                              [.text(campaignID), .integer(position), .text(status), .text(callSID)])
        }
        try await finishIfDone(campaignID)
    }

    public func cancelCampaign(id: String) async throws(StoreError) -> Bool {
        guard try await run("SELECT 1 AS found FROM campaigns WHERE id = $1", [.text(id)]).first != nil else { return false }
        _ = try await run("UPDATE campaigns SET state = 'cancelled' WHERE id = $1 AND state = 'running'", [.text(id)])
        _ = try await run("UPDATE campaign_targets SET state = 'cancelled' WHERE campaign_id = $1 AND state = 'pending'", [.text(id)])
        return true
    }

    /// A running campaign with nothing pending or dialling is finished.
    private func finishIfDone(_ campaignID: String) async throws(StoreError) {
        _ = try await run("""
            UPDATE campaigns SET state = 'finished' WHERE id = $1 AND state = 'running'
              AND NOT EXISTS (SELECT 1 FROM campaign_targets WHERE campaign_id = $1 AND state IN ('pending', 'dialling'))
            """, [.text(campaignID)])
    }
}
