import Foundation
import Twilio

/// What the gateway lets callers do, against toll fraud and runaway spending (issue 6): which numbers
/// may be dialled and how many calls and API requests are allowed. All limits are per instance.
public struct CallLimits: Sendable, Equatable, CustomStringConvertible {
    /// E.164 prefixes that may be dialled (`ALLOWED_DESTINATIONS`, comma-separated, default `+81`;
    /// `*` allows every number — not recommended).
    public var allowedDestinations: [String]
    /// Calls placed or streaming at once (`MAX_CONCURRENT_CALLS`, default 100).
    public var maxConcurrentCalls: Int
    /// Outbound calls per minute in all (`CALLS_PER_MINUTE`, default 60).
    public var callsPerMinute: Int
    /// Outbound calls per minute to one number (`CALLS_PER_MINUTE_PER_DESTINATION`, default 2).
    public var callsPerMinutePerDestination: Int
    /// REST requests per minute from one client (`API_REQUESTS_PER_MINUTE`, default 120).
    public var apiRequestsPerMinute: Int
    /// Key the per-client limit on the last `X-Forwarded-For` address (the one the proxy in front
    /// added) instead of the peer (`TRUST_FORWARDED_FOR`, default false: only behind such a proxy).
    public var trustForwardedFor: Bool

    /// Limits with the defaults above.
    public init(allowedDestinations: [String] = ["+81"], maxConcurrentCalls: Int = 100, callsPerMinute: Int = 60,
                callsPerMinutePerDestination: Int = 2, apiRequestsPerMinute: Int = 120, trustForwardedFor: Bool = false) {
        self.allowedDestinations = allowedDestinations
        self.maxConcurrentCalls = maxConcurrentCalls
        self.callsPerMinute = callsPerMinute
        self.callsPerMinutePerDestination = callsPerMinutePerDestination
        self.apiRequestsPerMinute = apiRequestsPerMinute
        self.trustForwardedFor = trustForwardedFor
    }

    init(_ variables: ConfigurationVariables) throws(ConfigurationError) {
        let d = CallLimits()
        var prefixes = d.allowedDestinations
        if let text = variables.value("ALLOWED_DESTINATIONS") {
            prefixes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for p in prefixes where p != "*" {
                guard p.hasPrefix("+"), p.count >= 2, p.dropFirst().allSatisfy(\.isASCIIDigitCharacter) else {
                    throw ConfigurationError("ALLOWED_DESTINATIONS must be E.164 prefixes such as +81,+1 (or *), not '\(p)'")
                }
            }
            guard !prefixes.isEmpty else { throw ConfigurationError("ALLOWED_DESTINATIONS is empty: give prefixes such as +81, or *") }
        }
        self.init(
            allowedDestinations: prefixes,
            maxConcurrentCalls: try variables.integer("MAX_CONCURRENT_CALLS", default: d.maxConcurrentCalls, range: 1...100_000),
            callsPerMinute: try variables.integer("CALLS_PER_MINUTE", default: d.callsPerMinute, range: 1...1_000_000),
            callsPerMinutePerDestination: try variables.integer("CALLS_PER_MINUTE_PER_DESTINATION", default: d.callsPerMinutePerDestination, range: 1...10_000),
            apiRequestsPerMinute: try variables.integer("API_REQUESTS_PER_MINUTE", default: d.apiRequestsPerMinute, range: 1...10_000_000),
            trustForwardedFor: try variables.flag("TRUST_FORWARDED_FOR", default: d.trustForwardedFor))
    }

    /// Whether `number` may be dialled.
    public func allows(_ number: E164Number) -> Bool {
        allowedDestinations.contains { $0 == "*" || number.rawValue.hasPrefix($0) }
    }

    public var description: String {
        "destinations \(allowedDestinations.joined(separator: ",")), at most \(maxConcurrentCalls) calls at once, "
            + "\(callsPerMinute)/min (\(callsPerMinutePerDestination)/min per number), API \(apiRequestsPerMinute)/min per client"
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
