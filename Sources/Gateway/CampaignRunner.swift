import Foundation
import Logging
import Storage
import Twilio

/// Dials the running campaigns: every 100 ms it claims the targets that are due — within each
/// campaign's calling window, concurrency and pace — and places each through the same
/// ``OutboundCallService`` as `POST /outbound-call`, so every limit of the gateway applies. The
/// store's claims are atomic, so several gateways sharing a store never dial a target twice; a
/// claim not followed by a call (this process died) is taken again when its lease runs out.
public actor CampaignRunner {
    let store: any CampaignStore
    let outbound: OutboundCallService
    let admission: CallAdmission
    let logger: Logger
    /// How long a placed call may run before its target is considered lost (ring + call cap + margin).
    let callLeaseSeconds: Double
    /// How long a claim may wait for its call to be placed.
    let claimLeaseSeconds: Double
    /// Pacing per campaign: a second's worth of calls at once, earned back at its `calls_per_second`.
    private var pace: [String: RateLimiter] = [:]

    init(store: any CampaignStore, outbound: OutboundCallService, admission: CallAdmission, configuration: GatewayConfiguration, logger: Logger) {
        self.store = store
        self.outbound = outbound
        self.admission = admission
        self.logger = logger
        callLeaseSeconds = Double(configuration.callTimeoutSeconds + configuration.maxCallSeconds + 300)
        claimLeaseSeconds = Double(configuration.campaignClaimLeaseSeconds)
    }

    /// Runs until cancelled; placements in progress finish first.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for work in await due() {
                    group.addTask { await self.dial(work.target, campaignID: work.campaignID, message: work.message, options: work.options) }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private struct Work: Sendable {
        var campaignID: String
        var message: String
        var options: CampaignOptions
        var target: Campaign.Target
    }

    /// The targets to dial now, claimed.
    private func due() async -> [Work] {
        guard await !admission.draining else { return [] }
        let now = Date()
        do {
            var out: [Work] = []
            let running = try await store.runningCampaigns()
            pace = pace.filter { entry in running.contains { $0.id == entry.key } }
            for campaign in running {
                if let window = campaign.options.window, !window.contains(now) { continue }
                let room = campaign.options.maxConcurrent - (try await store.inFlight(campaignID: campaign.id))
                let rate = campaign.options.callsPerSecond
                var limiter = pace[campaign.id] ?? RateLimiter(ratePerSecond: rate, burst: max(1, rate))
                let allowed = min(room, Int(limiter.available("calls", now: now.timeIntervalSince1970)))
                guard allowed > 0 else { continue }
                let claimed = try await store.claimDue(campaignID: campaign.id, limit: allowed, now: now, leaseUntil: now.addingTimeInterval(claimLeaseSeconds))
                limiter.spend("calls", count: claimed.count, now: now.timeIntervalSince1970)
                pace[campaign.id] = limiter
                out += claimed.map { Work(campaignID: campaign.id, message: campaign.message, options: campaign.options, target: $0) }
            }
            return out
        } catch {
            logger.error("campaigns: \(error)")
            return []
        }
    }

    /// Places one claimed target's call and notes the result.
    private func dial(_ target: Campaign.Target, campaignID: String, message: String, options: CampaignOptions) async {
        var logger = self.logger
        logger[metadataKey: "campaign_id"] = "\(campaignID)"
        guard let number = E164Number(target.toNumber) else {
            await note(campaignID, target, at: nil, countAttempt: true, outcome: "refused", logger)
            return
        }
        let request = OutboundCallRequest(toNumber: number, message: target.message.isEmpty ? message : target.message, userID: target.userID)
        let callID = OutboundCallService.newCallID()
        do {
            // Noted before Twilio is asked, so a restart can tell a placed call from one never made.
            try await store.willDial(campaignID: campaignID, position: target.position, callID: callID)
        } catch {
            logger.error("campaign target not noted; not dialling it now: \(error)", metadata: ["position": "\(target.position)"])
            return
        }
        do {
            let call = try await outbound.place(request, callID: callID)
            do {
                try await store.dialled(campaignID: campaignID, position: target.position, callID: call.callID, callSID: call.callSID,
                                        leaseUntil: Date().addingTimeInterval(callLeaseSeconds))
            } catch {
                logger.error("campaign call placed but not noted: \(error)", metadata: ["call_id": "\(call.callID)"])
            }
        } catch {
            let now = Date()
            switch error {
            case .rateLimited(_, let seconds):
                // The gateway's own limits: try again then, and it was not an attempt.
                await note(campaignID, target, at: now.addingTimeInterval(Double(seconds)), countAttempt: false, outcome: "rate_limited", logger)
            case .shuttingDown:
                await note(campaignID, target, at: now.addingTimeInterval(30), countAttempt: false, outcome: "deferred", logger)
            case .twilioTimeout:
                // Twilio may have placed it after all: never risk dialling the person twice.
                await note(campaignID, target, at: nil, countAttempt: true, outcome: "unknown", logger)
            case .twilioRefused, .twilioUnavailable:
                let retry = options.retryOn.contains("failed") && target.attempts < options.maxAttempts
                await note(campaignID, target, at: retry ? now.addingTimeInterval(Double(options.retryDelaySeconds)) : nil, countAttempt: true, outcome: "failed", logger)
            case .badRequest, .notPermitted, .destinationNotAllowed, .unauthorized, .bodyTooLarge:
                await note(campaignID, target, at: nil, countAttempt: true, outcome: "refused", logger)
            }
            logger.notice("campaign call not placed: \(error)", metadata: ["position": "\(target.position)"])
        }
    }

    private func note(_ campaignID: String, _ target: Campaign.Target, at: Date?, countAttempt: Bool, outcome: String, _ logger: Logger) async {
        do {
            try await store.notDialled(campaignID: campaignID, position: target.position, at: at, countAttempt: countAttempt, outcome: outcome)
        } catch {
            logger.error("campaign target not updated: \(error)", metadata: ["position": "\(target.position)"])
        }
    }
}
