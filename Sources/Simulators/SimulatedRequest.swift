/// One request the simulated REST API received, kept so tests can count attempts and see what was sent.
public struct SimulatedRequest: Sendable, Equatable, Codable {
    /// `GET`, `POST`, ….
    public var method: String
    /// The path without the query, e.g. `/2010-04-01/Accounts/AC…/Calls.json`.
    public var path: String
    /// The endpoint the path names, or nil for a path the API does not have.
    public var endpoint: TwilioEndpoint?
    /// The query string's fields, in order.
    public var query: [FormField]
    /// The form body's fields, in order (repeated names kept).
    public var form: [FormField]
    /// The HTTP status answered; nil while the answer is still pending (e.g. an injected delay).
    public var responseStatus: Int?

    enum CodingKeys: String, CodingKey {
        case method, path, endpoint, query, form
        case responseStatus = "response_status"
    }
}
