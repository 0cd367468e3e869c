/// The parts of Twilio's Call resource the gateway uses.
public struct CallResource: Codable, Equatable, Sendable {
    /// `CA…`.
    public var sid: String
    /// `queued`, `ringing`, `in-progress`, `completed`, `busy`, `failed`, `no-answer`, `canceled`.
    public var status: String
    public var to: String?
    public var from: String?
    public var direction: String?

    public init(sid: String, status: String, to: String? = nil, from: String? = nil, direction: String? = nil) {
        self.sid = sid
        self.status = status
        self.to = to
        self.from = from
        self.direction = direction
    }
}
