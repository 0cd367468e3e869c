import Foundation
import Logging
import Twilio

extension TwilioAPISimulator {
    /// The `StatusCallbackEvent` values Twilio accepts for calls.
    static let progressEvents: Set<String> = ["initiated", "ringing", "answered", "completed"]
    /// Twilio's limit on inline TwiML.
    static let maxTwiMLCharacters = 4000

    /// `POST …/Calls.json`: validates like Twilio, records the call and schedules its progress.
    func createCall(_ request: SimulatorRequest) -> Result<SimulatorResponse, SimulatedAPIError> {
        let form = request.form
        guard let to = form.value("To"), !to.isEmpty else { return .failure(.missingTo()) }
        guard E164Number(to) != nil else { return .failure(.invalidTo(to)) }
        guard let from = form.value("From"), !from.isEmpty else { return .failure(.missingFrom()) }
        guard E164Number(from) != nil else { return .failure(.invalidFrom(from)) }
        guard configuration.accountNumbers.contains(from) || configuration.verifiedCallerIDs.contains(from) else {
            return .failure(.unverifiedFrom(from))
        }
        let url = form.value("Url"), twiml = form.value("Twiml")
        guard [url, twiml, form.value("ApplicationSid")].compactMap({ $0 }).count == 1 else { return .failure(.twimlSource()) }
        if let twiml, twiml.count > Self.maxTwiMLCharacters { return .failure(.twimlTooLong(twiml.count)) }
        let method = form.value("StatusCallbackMethod")?.uppercased() ?? "POST"
        guard method == "POST" || method == "GET" else { return .failure(.invalidParameter("StatusCallbackMethod", method)) }
        let events = form.values("StatusCallbackEvent")
        if let bad = events.first(where: { !Self.progressEvents.contains($0.lowercased()) }) {
            return .failure(.invalidParameter("StatusCallbackEvent", bad))
        }
        let live = records.values.count { !$0.call.status.isOver }
        guard live < configuration.maxLiveCalls else { return .failure(.tooManyCalls(configuration.maxLiveCalls)) }

        let call = SimulatedCall(
            sid: Self.newSID(prefix: "CA"), accountSID: configuration.accountSID, to: to, from: from,
            url: url, twiml: twiml, twimlHistory: twiml.map { [$0] } ?? [],
            statusCallback: form.value("StatusCallback"), statusCallbackMethod: method, statusCallbackEvents: events,
            status: .queued, form: form, duration: nil, callbacks: [])
        let now = Date()
        records[call.sid] = CallRecord(call: call, index: UInt64(callOrder.count), dateCreated: now, dateUpdated: now)
        callOrder.append(call.sid)
        logger.debug("call created", metadata: ["sid": "\(call.sid)", "to": "\(to)"])
        observer?(.created(call))
        schedule(call.sid)
        return .success(.json(resource(call.sid), status: 201))
    }

    /// `GET …/Calls/{CallSid}.json`.
    func fetchCall(_ request: SimulatorRequest) -> Result<SimulatorResponse, SimulatedAPIError> {
        guard let sid = request.callSID, records[sid] != nil else { return .failure(.notFound(request.path)) }
        return .success(.json(resource(sid)))
    }

    /// `POST …/Calls/{CallSid}.json`: `Status=completed|canceled`, or a new `Twiml` / `Url`.
    func updateCall(_ request: SimulatorRequest) async -> Result<SimulatorResponse, SimulatedAPIError> {
        guard let sid = request.callSID, var record = records[sid] else { return .failure(.notFound(request.path)) }
        let form = request.form
        if let status = form.value("Status") {
            guard status == "completed" || status == "canceled" else { return .failure(.invalidParameter("Status", status)) }
            guard !record.call.status.isOver else { return .failure(.invalidCallState(record.call.status, action: "update its status")) }
            // `canceled` only stops calls not yet answered; `completed` ends any call.
            if record.call.status != .inProgress {
                await end(sid, as: .canceled)
            } else if status == "completed" {
                await end(sid, as: .completed)
            }
            return .success(.json(resource(sid)))
        }
        let twiml = form.value("Twiml"), url = form.value("Url")
        if twiml != nil || url != nil {
            guard !record.call.status.isOver else { return .failure(.invalidCallState(record.call.status, action: "redirect")) }
            if let twiml, twiml.count > Self.maxTwiMLCharacters { return .failure(.twimlTooLong(twiml.count)) }
            record.call.twiml = twiml
            record.call.url = twiml == nil ? url : nil
            if let twiml { record.call.twimlHistory.append(twiml) }
            record.dateUpdated = Date()
            record.endsAfterTwiML = !record.call.connectsStream
            if let callback = form.value("StatusCallback") { record.call.statusCallback = callback }
            records[sid] = record
            observer?(.redirected(record.call))
            // New TwiML without a stream ends the media stream; the call plays it and hangs up.
            if record.endsAfterTwiML { await record.ended.fire() }
            return .success(.json(resource(sid)))
        }
        return .success(.json(resource(sid)))
    }

    /// The Call resource JSON Twilio answers with (snake_case; absent values are null).
    func resource(_ sid: String) -> [String: Any] {
        guard let record = records[sid] else { return [:] }
        let call = record.call
        let uri = "/2010-04-01/Accounts/\(call.accountSID)/Calls/\(call.sid)"
        let null = NSNull()
        return [
            "sid": call.sid, "account_sid": call.accountSID, "parent_call_sid": null,
            "to": call.to, "to_formatted": Self.formatted(call.to),
            "from": call.from, "from_formatted": Self.formatted(call.from),
            "phone_number_sid": configuration.accountNumbers.contains(call.from) ? Self.stableSID(prefix: "PN", for: call.from) : null,
            "status": call.status.rawValue,
            "start_time": record.startTime.map(TwilioTimestamp.string) ?? null,
            "end_time": record.endTime.map(TwilioTimestamp.string) ?? null,
            "duration": call.duration.map(String.init) ?? null,
            "price": null, "price_unit": "USD", "direction": "outbound-api", "answered_by": null,
            "api_version": "2010-04-01", "forwarded_from": null, "group_sid": null, "caller_name": null,
            "queue_time": "0", "trunk_sid": null,
            "date_created": TwilioTimestamp.string(record.dateCreated), "date_updated": TwilioTimestamp.string(record.dateUpdated),
            "uri": uri + ".json",
            "subresource_uris": [
                "notifications": uri + "/Notifications.json", "recordings": uri + "/Recordings.json",
                "payments": uri + "/Payments.json", "events": uri + "/Events.json",
                "siprec": uri + "/Siprec.json", "streams": uri + "/Streams.json",
                "user_defined_message_subscriptions": uri + "/UserDefinedMessageSubscriptions.json",
                "user_defined_messages": uri + "/UserDefinedMessages.json",
            ],
        ]
    }

    /// A random SID: two letters and 32 lowercase hex digits.
    static func newSID(prefix: String) -> String {
        prefix + hex(UInt64.random(in: .min ... .max)) + hex(UInt64.random(in: .min ... .max))
    }

    /// A SID derived from `text`, so a number keeps its SID across requests.
    static func stableSID(prefix: String, for text: String) -> String {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325, b: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01B3 &+ 1
        }
        return prefix + hex(a) + hex(b)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// North American numbers as `(415) 555-0006`, others as given.
    static func formatted(_ number: String) -> String {
        let digits = Array(number.utf8.dropFirst())
        guard number.hasPrefix("+1"), digits.count == 11 else { return number }
        let s = String(decoding: digits, as: UTF8.self)
        let area = s.dropFirst().prefix(3), exchange = s.dropFirst(4).prefix(3), line = s.suffix(4)
        return "(\(area)) \(exchange)-\(line)"
    }
}
