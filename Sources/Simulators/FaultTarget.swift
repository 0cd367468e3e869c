/// What a fault applies to.
enum FaultTarget: Hashable, Sendable {
    /// Every request to this endpoint.
    case endpoint(TwilioEndpoint)
    /// Call creations whose `To` is this number (E.164, as sent).
    case destination(String)
}
