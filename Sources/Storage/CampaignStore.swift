import Foundation

/// Campaigns and their targets, in the same store as the call records. Claiming is atomic, so however
/// many gateways share the store, each attempt of each number is made by exactly one of them.
public protocol CampaignStore: Sendable {
    /// Stores a new campaign and its targets (all `pending`, due now).
    func createCampaign(_ campaign: Campaign, targets: [Campaign.Target]) async throws(StoreError)
    /// A campaign with its counts and targets.
    func campaign(id: String) async throws(StoreError) -> Campaign?
    /// Every campaign with its counts, newest first, without targets.
    func campaigns(limit: Int) async throws(StoreError) -> [Campaign]
    /// The running campaigns' ids, messages and options.
    func runningCampaigns() async throws(StoreError) -> [(id: String, message: String, options: CampaignOptions)]
    /// Targets of `campaignID` now `dialling` (claimed and not finished).
    func inFlight(campaignID: String) async throws(StoreError) -> Int
    /// Atomically marks up to `limit` due targets (pending and due, or dialling with an expired lease)
    /// as `dialling` with a lease until `leaseUntil`, counting an attempt, and returns them.
    func claimDue(campaignID: String, limit: Int, now: Date, leaseUntil: Date) async throws(StoreError) -> [Campaign.Target]
    /// The claimed target is about to be dialled as call `callID` (noted first, so that a restart can tell
    /// a call that was placed from one that never was).
    func willDial(campaignID: String, position: Int, callID: String) async throws(StoreError)
    /// The claimed target's call was placed: remembers its ids and extends the lease; applies a final
    /// status that already arrived.
    func dialled(campaignID: String, position: Int, callID: String, callSID: String, leaseUntil: Date) async throws(StoreError)
    /// The claimed target could not be placed: due again at `at` (the attempt not counted when
    /// `countAttempt` is false), or finished with `outcome` when `at` is nil.
    func notDialled(campaignID: String, position: Int, at: Date?, countAttempt: Bool, outcome: String) async throws(StoreError)
    /// A final Twilio status for `callSID`: the target is retried or finished by its campaign's options.
    func callFinished(callSID: String, status: String, now: Date) async throws(StoreError)
    /// Cancels the campaign's pending targets (calls in progress go on); false if it is unknown.
    func cancelCampaign(id: String) async throws(StoreError) -> Bool
}

/// What the gateway keeps its records and campaigns in.
public typealias GatewayStore = CallRecordStore & CampaignStore & StreamTokenStore
