import Foundation

/// Twilio's date format: RFC 2822 in GMT, e.g. `Tue, 31 Aug 2010 20:36:28 +0000`.
enum TwilioTimestamp {
    static func string(_ date: Date) -> String {
        // A fresh formatter each time: DateFormatter is not Sendable, and this is off any hot path.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
