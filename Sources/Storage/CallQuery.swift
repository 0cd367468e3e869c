import Foundation

/// Which calls `GET /calls` lists: every given field must match; newest first.
public struct CallQuery: Sendable, Equatable {
    /// Twilio's latest status (`completed`, `no-answer`, …).
    public var status: String?
    public var userID: String?
    /// Calls created at or after this time.
    public var since: Date?
    /// At most this many (1–1000).
    public var limit: Int

    /// A query; `limit` is clamped to 1…1000.
    public init(status: String? = nil, userID: String? = nil, since: Date? = nil, limit: Int = 100) {
        self.status = status
        self.userID = userID
        self.since = since
        self.limit = min(max(limit, 1), 1000)
    }
}
