import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Twilio

/// The four status callbacks of one simulated call, posted form-encoded as Twilio does.
struct CallbackJob: Sendable {
    var url: String
    var callSID: String
    var accountSID: String
    var from: String
    var to: String
    /// Positions 0…3 of (initiated, ringing, in-progress, completed) in sending order.
    var order: [Int]

    static let statuses = ["initiated", "ringing", "in-progress", "completed"]

    func send(with http: HTTPClient, logger: Logger) async {
        for seq in order {
            if Task.isCancelled { return }
            var form: [(String, String)] = [
                ("AccountSid", accountSID), ("ApiVersion", "2010-04-01"), ("CallSid", callSID), ("CallStatus", Self.statuses[seq]),
                ("CallbackSource", "call-progress-events"), ("Direction", "outbound-api"), ("From", from), ("To", to),
                ("SequenceNumber", String(seq)), ("Timestamp", Self.rfc2822(Date())),
            ]
            if seq == 3 { form.append(("CallDuration", "0")) }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
            do {
                _ = try await http.execute(request, timeout: .seconds(5))
            } catch {
                logger.debug("status callback to \(url) failed: \(error)")
            }
        }
    }

    static func rfc2822(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }

    /// A seeded permutation of 0…3 (for out-of-order delivery).
    static func shuffled(seed: UInt64) -> [Int] {
        var state = seed
        var order = [0, 1, 2, 3]
        for i in stride(from: 3, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        return order
    }
}
