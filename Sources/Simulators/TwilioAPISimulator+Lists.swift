import Foundation
import Twilio

extension TwilioAPISimulator {
    /// `GET …/OutgoingCallerIds.json`: the verified caller ids, filtered by exact `PhoneNumber` /
    /// `FriendlyName`, one page.
    func listCallerIDs(_ request: SimulatorRequest) -> Result<SimulatorResponse, SimulatedAPIError> {
        let numbers = configuration.verifiedCallerIDs.sorted().filter { number in
            request.query.value("PhoneNumber").map { $0 == number } ?? true
                && request.query.value("FriendlyName").map { $0 == Self.formatted(number) } ?? true
        }
        let items = numbers.map { number -> [String: Any] in
            let sid = Self.stableSID(prefix: "PN", for: number)
            return [
                "sid": sid, "account_sid": configuration.accountSID, "phone_number": number,
                "friendly_name": Self.formatted(number),
                "date_created": TwilioTimestamp.string(startDate), "date_updated": TwilioTimestamp.string(startDate),
                "uri": "/2010-04-01/Accounts/\(configuration.accountSID)/OutgoingCallerIds/\(sid).json",
            ]
        }
        return page(items, key: "outgoing_caller_ids", request: request)
    }

    /// `GET …/IncomingPhoneNumbers.json`: the account's numbers, filtered by `PhoneNumber` (partial,
    /// `*` matching any digit) and exact `FriendlyName`, one page.
    func listIncomingNumbers(_ request: SimulatorRequest) -> Result<SimulatorResponse, SimulatedAPIError> {
        let numbers = configuration.accountNumbers.sorted().filter { number in
            request.query.value("PhoneNumber").map { Self.matches(number, partial: $0) } ?? true
                && request.query.value("FriendlyName").map { $0 == Self.formatted(number) } ?? true
        }
        let items = numbers.map { number -> [String: Any] in
            let sid = Self.stableSID(prefix: "PN", for: number)
            return [
                "sid": sid, "account_sid": configuration.accountSID, "phone_number": number,
                "friendly_name": Self.formatted(number), "api_version": "2010-04-01",
                "capabilities": ["voice": true, "sms": true, "mms": false, "fax": false],
                "status": "in-use", "origin": "twilio", "beta": false, "type": "local",
                "voice_url": "", "voice_method": "POST", "status_callback": "", "status_callback_method": "POST",
                "date_created": TwilioTimestamp.string(startDate), "date_updated": TwilioTimestamp.string(startDate),
                "uri": "/2010-04-01/Accounts/\(configuration.accountSID)/IncomingPhoneNumbers/\(sid).json",
            ]
        }
        return page(items, key: "incoming_phone_numbers", request: request)
    }

    /// Whether `pattern` occurs in `number`, `*` standing for any one digit.
    static func matches(_ number: String, partial pattern: String) -> Bool {
        let n = Array(number), p = Array(pattern)
        guard !p.isEmpty, p.count <= n.count else { return p.isEmpty }
        return (0...(n.count - p.count)).contains { start in
            p.indices.allSatisfy { i in p[i] == n[start + i] || (p[i] == "*" && n[start + i].isNumber) }
        }
    }

    /// One page of a list in Twilio's shape (`PageSize` 1…1000, default 50; `Page` from 0).
    private func page(_ items: [[String: Any]], key: String, request: SimulatorRequest) -> Result<SimulatorResponse, SimulatedAPIError> {
        let sizeText = request.query.value("PageSize") ?? "50", pageText = request.query.value("Page") ?? "0"
        guard let size = Int(sizeText), (1...1000).contains(size) else { return .failure(.invalidParameter("PageSize", sizeText)) }
        guard let number = Int(pageText), number >= 0 else { return .failure(.invalidParameter("Page", pageText)) }
        let start = min(number * size, items.count), end = min(start + size, items.count)
        let filters = request.query.filter { $0.name != "PageSize" && $0.name != "Page" && $0.name != "PageToken" }
        func uri(_ page: Int) -> String {
            request.path + "?" + FormEncoding.encode(filters.map { ($0.name, $0.value) } + [("PageSize", String(size)), ("Page", String(page))])
        }
        let null = NSNull()
        let body: [String: Any] = [
            key: Array(items[start..<end]),
            "page": number, "page_size": size, "start": start, "end": max(end - 1, start),
            "uri": uri(number), "first_page_uri": uri(0),
            "next_page_uri": end < items.count ? uri(number + 1) : null,
            "previous_page_uri": number > 0 ? uri(number - 1) : null,
        ]
        return .success(.json(body))
    }
}
