/// The kinds of request the simulated REST API answers, for fault injection and request counts.
public enum TwilioEndpoint: String, Sendable, Codable, CaseIterable {
    /// `POST …/Calls.json`.
    case createCall
    /// `GET …/Calls/{CallSid}.json`.
    case fetchCall
    /// `POST …/Calls/{CallSid}.json` (hang up, cancel, redirect).
    case updateCall
    /// `GET …/OutgoingCallerIds.json`.
    case outgoingCallerIDs
    /// `GET …/IncomingPhoneNumbers.json`.
    case incomingPhoneNumbers
}
