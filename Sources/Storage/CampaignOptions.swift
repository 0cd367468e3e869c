import Foundation

/// How a campaign dials: pace, concurrency, retries and the calling window.
public struct CampaignOptions: Codable, Sendable, Equatable {
    /// New calls a second (at most; the gateway's own limits apply too).
    public var callsPerSecond: Double
    /// Calls of this campaign ringing or talking at once.
    public var maxConcurrent: Int
    /// Attempts per number, the first included.
    public var maxAttempts: Int
    /// Wait before calling a number again.
    public var retryDelaySeconds: Int
    /// Twilio outcomes that are retried (`no-answer`, `busy`, `failed`).
    public var retryOn: [String]
    /// When calls may be placed, in the callee's local time; nil: any time.
    public var window: CallingWindow?

    /// The Twilio outcomes a campaign may retry.
    public static let retryableOutcomes = ["no-answer", "busy", "failed"]

    /// Options with the documented defaults.
    public init(callsPerSecond: Double = 1, maxConcurrent: Int = 10, maxAttempts: Int = 3, retryDelaySeconds: Int = 300,
                retryOn: [String] = retryableOutcomes, window: CallingWindow? = nil) {
        self.callsPerSecond = callsPerSecond
        self.maxConcurrent = maxConcurrent
        self.maxAttempts = maxAttempts
        self.retryDelaySeconds = retryDelaySeconds
        self.retryOn = retryOn
        self.window = window
    }

    /// What is wrong with these options, if anything (each message names the field).
    public var problems: [String] {
        var out: [String] = []
        if !(callsPerSecond > 0 && callsPerSecond <= 100) { out.append("calls_per_second must be more than 0 and at most 100") }
        if !(1...1000).contains(maxConcurrent) { out.append("max_concurrent must be from 1 to 1000") }
        if !(1...10).contains(maxAttempts) { out.append("max_attempts must be from 1 to 10") }
        if !(0...86_400).contains(retryDelaySeconds) { out.append("retry_delay_seconds must be from 0 to 86400") }
        for outcome in retryOn where !Self.retryableOutcomes.contains(outcome) {
            out.append("retry_on may hold no-answer, busy and failed, not '\(outcome)'")
        }
        if let window, let problem = window.problem { out.append(problem) }
        return out
    }

    enum CodingKeys: String, CodingKey {
        case window
        case callsPerSecond = "calls_per_second"
        case maxConcurrent = "max_concurrent"
        case maxAttempts = "max_attempts"
        case retryDelaySeconds = "retry_delay_seconds"
        case retryOn = "retry_on"
    }

    /// Reads the JSON form; missing fields take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CampaignOptions()
        self.init(callsPerSecond: try c.decodeIfPresent(Double.self, forKey: .callsPerSecond) ?? d.callsPerSecond,
                  maxConcurrent: try c.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? d.maxConcurrent,
                  maxAttempts: try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts,
                  retryDelaySeconds: try c.decodeIfPresent(Int.self, forKey: .retryDelaySeconds) ?? d.retryDelaySeconds,
                  retryOn: try c.decodeIfPresent([String].self, forKey: .retryOn) ?? d.retryOn,
                  window: try c.decodeIfPresent(CallingWindow.self, forKey: .window))
    }
}

/// Local hours between which calls may be placed, e.g. 09:00–20:00 in Asia/Tokyo. A window whose
/// end is before its start runs over midnight.
public struct CallingWindow: Codable, Sendable, Equatable {
    /// `HH:MM`.
    public var start: String
    public var end: String
    /// An IANA time zone (`Asia/Tokyo`), the callee's.
    public var timeZone: String

    /// A window from `start` to `end` (`HH:MM`) in `timeZone`.
    public init(start: String, end: String, timeZone: String = "Asia/Tokyo") {
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case timeZone = "time_zone"
    }

    /// Reads the JSON form; `time_zone` defaults to Asia/Tokyo.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(start: try c.decode(String.self, forKey: .start), end: try c.decode(String.self, forKey: .end),
                  timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "Asia/Tokyo")
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m), parts[1].count == 2 else { return nil }
        return h * 60 + m
    }

    var problem: String? {
        if Self.minutes(start) == nil || Self.minutes(end) == nil { return "window start and end must be HH:MM (24-hour), e.g. 09:00 and 20:00" }
        if TimeZone(identifier: timeZone) == nil { return "window time_zone '\(timeZone)' is not an IANA time zone such as Asia/Tokyo" }
        if start == end { return "window start and end must differ" }
        return nil
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        guard let s = Self.minutes(start), let e = Self.minutes(end), let zone = TimeZone(identifier: timeZone) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let now = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return s < e ? (now >= s && now < e) : (now >= s || now < e)
    }
}
