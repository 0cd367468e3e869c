import Foundation

/// A campaign: many people to call with one set of options, and where each of them stands.
public struct Campaign: Codable, Sendable, Equatable {
    /// One person to call.
    public struct Target: Codable, Sendable, Equatable {
        /// The target's place in the list (from 1).
        public var position: Int
        public var toNumber: String
        public var userID: String
        /// The purpose told to the assistant (the campaign's when empty).
        public var message: String
        /// `pending`, `dialling`, `done` or `cancelled`.
        public var state: String
        public var attempts: Int
        /// The last attempt's outcome: `completed`, `no-answer`, `busy`, `failed`, `canceled`, `refused`, `unknown`.
        public var outcome: String?
        /// What `record_safety_status` recorded on the answered call.
        public var safetyStatus: String?
        public var lastCallID: String?
        public var nextAttemptAt: Date?

        /// A person to call (new targets are `pending` with no attempt yet).
        public init(position: Int, toNumber: String, userID: String = "", message: String = "", state: String = "pending", attempts: Int = 0,
                    outcome: String? = nil, safetyStatus: String? = nil, lastCallID: String? = nil, nextAttemptAt: Date? = nil) {
            self.position = position
            self.toNumber = toNumber
            self.userID = userID
            self.message = message
            self.state = state
            self.attempts = attempts
            self.outcome = outcome
            self.safetyStatus = safetyStatus
            self.lastCallID = lastCallID
            self.nextAttemptAt = nextAttemptAt
        }

        enum CodingKeys: String, CodingKey {
            case position, message, state, attempts, outcome
            case toNumber = "to_number"
            case userID = "user_id"
            case safetyStatus = "safety_status"
            case lastCallID = "last_call_id"
            case nextAttemptAt = "next_attempt_at"
        }
    }

    /// Counts for the status page and `GET /campaigns/{id}`.
    public struct Counts: Codable, Sendable, Equatable {
        public var targets = 0
        /// By target state.
        public var byState: [String: Int] = [:]
        /// By the last outcome of finished targets.
        public var byOutcome: [String: Int] = [:]
        /// By safety status of answered targets (`not_recorded` when the call ended without one).
        public var bySafety: [String: Int] = [:]

        /// No targets yet.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case targets
            case byState = "by_state"
            case byOutcome = "by_outcome"
            case bySafety = "by_safety"
        }
    }

    public var id: String
    public var name: String
    /// The purpose told to the assistant for targets without their own.
    public var message: String
    public var createdAt: Date
    /// `running`, `cancelled` or `finished`.
    public var state: String
    public var options: CampaignOptions
    public var counts: Counts
    /// The targets, in list order (empty in listings).
    public var targets: [Target]

    /// A campaign; new ones are `running`.
    public init(id: String, name: String, message: String, createdAt: Date, state: String = "running", options: CampaignOptions,
                counts: Counts = Counts(), targets: [Target] = []) {
        self.id = id
        self.name = name
        self.message = message
        self.createdAt = createdAt
        self.state = state
        self.options = options
        self.counts = counts
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey {
        case id, name, message, state, options, counts, targets
        case createdAt = "created_at"
    }
}
