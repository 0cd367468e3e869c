import Foundation
import Logging
import Storage
import Testing

/// The campaign queue on SQLite and PostgreSQL: atomic claims (also by several instances at once),
/// the retry policy, late and early final statuses, cancel and finish, and the calling window.
@Suite struct CampaignStoreTests {
    static let t0 = CallRecordStoreTests.t0

    static func campaign(_ id: String, options: CampaignOptions = CampaignOptions(maxAttempts: 2, retryDelaySeconds: 60)) -> Campaign {
        Campaign(id: id, name: "test", message: "安否確認", createdAt: t0, options: options)
    }

    static func targets(_ n: Int) -> [Campaign.Target] {
        (1...n).map { Campaign.Target(position: $0, toNumber: "+8190000000\($0 % 10)\($0 / 10)", userID: "u\($0)") }
    }

    @Test(arguments: StoreUnderTest.available)
    func claimsAreExclusiveAndLimited(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            try await store.createCampaign(Self.campaign("k1"), targets: Self.targets(5))
            let lease = Self.t0.addingTimeInterval(60)
            let first = try await store.claimDue(campaignID: "k1", limit: 2, now: Self.t0, leaseUntil: lease)
            #expect(first.map(\.position) == [1, 2] && first.allSatisfy { $0.attempts == 1 })
            // Claimers at the same time never get the same target.
            async let a = store.claimDue(campaignID: "k1", limit: 2, now: Self.t0, leaseUntil: lease)
            async let b = store.claimDue(campaignID: "k1", limit: 2, now: Self.t0, leaseUntil: lease)
            let both = try await (a + b).map(\.position)
            #expect(both.sorted() == [3, 4, 5] && Set(both).count == 3)
            #expect(try await store.inFlight(campaignID: "k1") == 5)
            #expect(try await store.claimDue(campaignID: "k1", limit: 5, now: Self.t0, leaseUntil: lease).isEmpty)
            // A lease that runs out (the claimer died before dialling) makes the target due again.
            #expect(try await store.claimDue(campaignID: "k1", limit: 5, now: lease.addingTimeInterval(1), leaseUntil: lease.addingTimeInterval(120)).count == 5)
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func instancesSharingTheStoreNeverClaimTheSameTarget(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, another in
            try await store.createCampaign(Self.campaign("k-many"), targets: Self.targets(200))
            let instances = [store] + (1..<4).map { _ in another() }
            let lease = Self.t0.addingTimeInterval(60)
            // Four instances claim at once, a few at a time, until nothing is left.
            let claims = try await withThrowingTaskGroup(of: [Int].self) { group in
                for instance in instances {
                    group.addTask {
                        var mine: [Int] = []
                        while true {
                            let got = try await instance.claimDue(campaignID: "k-many", limit: 3, now: Self.t0, leaseUntil: lease)
                            if got.isEmpty { return mine }
                            mine += got.map(\.position)
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 200 && Set(all) == Set(1...200), "claimed \(all.count), \(Set(all).count) distinct")
            #expect(try await store.inFlight(campaignID: "k-many") == 200)
            #expect(try await store.campaign(id: "k-many")?.targets.allSatisfy { $0.attempts == 1 } == true)
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func retriesFollowTheOptionsAndEveryTargetEndsOnce(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            try await store.createCampaign(Self.campaign("k2"), targets: Self.targets(3))
            let claimed = try await store.claimDue(campaignID: "k2", limit: 3, now: Self.t0, leaseUntil: Self.t0.addingTimeInterval(60))
            for t in claimed {
                try await store.dialled(campaignID: "k2", position: t.position, callID: "c_\(t.position)a", callSID: "CA\(t.position)a", leaseUntil: Self.t0.addingTimeInterval(3600))
            }
            try await store.callFinished(callSID: "CA1a", status: "completed", now: Self.t0)
            try await store.callFinished(callSID: "CA2a", status: "no-answer", now: Self.t0)
            try await store.callFinished(callSID: "CA3a", status: "busy", now: Self.t0)
            // A repeated final callback changes nothing.
            try await store.callFinished(callSID: "CA1a", status: "completed", now: Self.t0)
            var k2 = try #require(try await store.campaign(id: "k2"))
            #expect(k2.targets.map(\.state) == ["done", "pending", "pending"] && k2.state == "running")
            // Not due before the retry delay.
            #expect(try await store.claimDue(campaignID: "k2", limit: 3, now: Self.t0.addingTimeInterval(59), leaseUntil: Self.t0.addingTimeInterval(200)).isEmpty)
            let again = try await store.claimDue(campaignID: "k2", limit: 3, now: Self.t0.addingTimeInterval(60), leaseUntil: Self.t0.addingTimeInterval(200))
            #expect(again.map(\.position) == [2, 3] && again.allSatisfy { $0.attempts == 2 })
            for t in again {
                try await store.dialled(campaignID: "k2", position: t.position, callID: "c_\(t.position)b", callSID: "CA\(t.position)b", leaseUntil: Self.t0.addingTimeInterval(3600))
                // The second attempt fails too: max_attempts 2, so it is final.
                try await store.callFinished(callSID: "CA\(t.position)b", status: "no-answer", now: Self.t0.addingTimeInterval(70))
            }
            k2 = try #require(try await store.campaign(id: "k2"))
            #expect(k2.targets.map(\.state) == ["done", "done", "done"] && k2.state == "finished")
            #expect(k2.counts.byOutcome == ["completed": 1, "no-answer": 2] && k2.counts.targets == 3)
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func aFinalStatusBeforeTheDialledNoteIsApplied(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            try await store.createCampaign(Self.campaign("k3", options: CampaignOptions(maxAttempts: 1)), targets: Self.targets(1))
            _ = try await store.claimDue(campaignID: "k3", limit: 1, now: Self.t0, leaseUntil: Self.t0.addingTimeInterval(60))
            // Twilio's callbacks came in before the dialler noted the call's sid.
            try await store.statusCallback(callSID: "CAfast", callID: nil, event: .init(sequence: 0, status: "initiated", timestamp: nil, receivedAt: Self.t0))
            try await store.statusCallback(callSID: "CAfast", callID: nil, event: .init(sequence: 1, status: "busy", timestamp: nil, receivedAt: Self.t0))
            try await store.dialled(campaignID: "k3", position: 1, callID: "c_fast", callSID: "CAfast", leaseUntil: Self.t0.addingTimeInterval(3600))
            let k3 = try #require(try await store.campaign(id: "k3"))
            #expect(k3.targets.first?.state == "done" && k3.targets.first?.outcome == "busy" && k3.state == "finished")
        }
    }

    @Test(arguments: StoreUnderTest.available)
    func safetyStatusCancelAndNotDialled(_ kind: StoreUnderTest) async throws {
        try await kind.withStore { store, _ in
            try await store.createCampaign(Self.campaign("k4"), targets: Self.targets(4))
            let claimed = try await store.claimDue(campaignID: "k4", limit: 2, now: Self.t0, leaseUntil: Self.t0.addingTimeInterval(60))
            try await store.callStarted(StoredCall(id: "c_k4", callSID: "CAk4", direction: "outbound", toNumber: claimed[0].toNumber, userID: "", message: "", audioMode: "pcmu", createdAt: Self.t0))
            try await store.dialled(campaignID: "k4", position: 1, callID: "c_k4", callSID: "CAk4", leaseUntil: Self.t0.addingTimeInterval(3600))
            try await store.callEnded(id: "c_k4", endedAt: Self.t0, endReason: "completed", safety: .init(status: "needs_help", details: "", location: ""), transcript: [])
            // Our own rate limit said wait: not an attempt.
            try await store.notDialled(campaignID: "k4", position: 2, at: Self.t0.addingTimeInterval(5), countAttempt: false, outcome: "rate_limited")
            #expect(try await store.campaign(id: "k4")?.targets[1].attempts == 0)
            #expect(try await store.cancelCampaign(id: "k4"))
            #expect(try await !store.cancelCampaign(id: "k-none"))
            try await store.callFinished(callSID: "CAk4", status: "completed", now: Self.t0)
            let k4 = try #require(try await store.campaign(id: "k4"))
            #expect(k4.state == "cancelled" && k4.targets.map(\.state) == ["done", "cancelled", "cancelled", "cancelled"])
            #expect(k4.targets[0].safetyStatus == "needs_help" && k4.counts.bySafety == ["needs_help": 1])
            #expect(try await store.claimDue(campaignID: "k4", limit: 4, now: Self.t0.addingTimeInterval(600), leaseUntil: Self.t0.addingTimeInterval(900)).isEmpty)
            #expect(try await store.runningCampaigns().isEmpty)
        }
    }

    @Test func callingWindowInTheCalleesTime() {
        let window = CallingWindow(start: "09:00", end: "20:00", timeZone: "Asia/Tokyo")
        // 2026-11-29 00:30 UTC is 09:30 in Tokyo; 11:30 UTC is 20:30.
        #expect(window.contains(Date(timeIntervalSince1970: 1_795_912_200)))
        #expect(!window.contains(Date(timeIntervalSince1970: 1_795_912_200 + 11 * 3600)))
        let night = CallingWindow(start: "22:00", end: "06:00", timeZone: "UTC")
        #expect(night.contains(Date(timeIntervalSince1970: 1_795_910_400 + 23 * 3600)) && !night.contains(Date(timeIntervalSince1970: 1_795_910_400 + 12 * 3600)))
        #expect(CampaignOptions(window: CallingWindow(start: "9", end: "20:00")).problems.contains { $0.contains("HH:MM") })
        #expect(CampaignOptions(window: CallingWindow(start: "09:00", end: "20:00", timeZone: "Mars/Olympus")).problems.contains { $0.contains("IANA") })
        #expect(CampaignOptions(callsPerSecond: 0, maxAttempts: 11, retryOn: ["completed"]).problems.count == 3)
        #expect(CampaignOptions().problems.isEmpty)
    }
}
