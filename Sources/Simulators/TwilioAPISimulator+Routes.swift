import Foundation
import Hummingbird
import Logging
import NIOCore
import Twilio

extension TwilioAPISimulator {
    func addRoutes(to router: Router<BasicRequestContext>) {
        let account = "/2010-04-01/Accounts/:account"
        router.post("\(account)/Calls.json") { request, context in try await self.createCall(request, context) }
        router.post("\(account)/Calls/:call") { request, context in try await self.updateCall(request, context) }
        router.get("\(account)/OutgoingCallerIds.json") { request, context in
            try await self.list(request, context, endpoint: .outgoingCallerIDs, key: "outgoing_caller_ids", numbers: self.configuration.verifiedCallerIDs, prefix: "PN")
        }
        router.get("\(account)/IncomingPhoneNumbers.json") { request, context in
            try await self.list(request, context, endpoint: .incomingPhoneNumbers, key: "incoming_phone_numbers", numbers: self.configuration.accountNumbers, prefix: "PN")
        }
        router.get("/sim/calls") { _, _ in
            let calls = await self.state.calls
            let data = (try? JSONEncoder().encode(calls)) ?? Data("[]".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Records the request, checks Basic auth and applies any injected fault; nil means go on.
    private func admit(_ request: Request, _ context: BasicRequestContext, endpoint: SimulatedFault.Endpoint, fields: [(String, String)], to: String?) async throws -> Response? {
        await state.record(RecordedRequest(method: request.method.rawValue, path: request.uri.path, fields: fields.map { [$0.0, $0.1] }))
        let expected = "Basic " + Data("\(configuration.accountSID):\(configuration.authToken)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected, context.parameters.get("account") == configuration.accountSID else {
            return Self.error(status: 401, code: 20003, message: "Authenticate", shape: .legacy)
        }
        switch await state.takeFault(for: endpoint, to: to) {
        case .error(let status, let code, let message, let shape)?:
            return Self.error(status: status, code: code, message: message, shape: shape)
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
            return nil
        case nil:
            return nil
        }
    }

    private func form(_ request: Request) async throws -> [(String, String)] {
        var body = try await request.body.collect(upTo: 1 << 20)
        return FormEncoding.decode(Substring(body.readString(length: body.readableBytes) ?? ""))
    }

    private func createCall(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let fields = try await form(request)
        let value = { (name: String) in fields.last { $0.0 == name }?.1 }
        if let refused = try await admit(request, context, endpoint: .createCall, fields: fields, to: value("To")) { return refused }
        guard let to = value("To"), E164Number(to) != nil else {
            return Self.error(status: 400, code: 21211, message: "The 'To' number \(value("To") ?? "") is not a valid phone number.")
        }
        guard let from = value("From"), configuration.accountNumbers.contains(from) || configuration.verifiedCallerIDs.contains(from) else {
            return Self.error(status: 400, code: 21210, message: "The source phone number provided, \(value("From") ?? ""), is not yet verified for your account.")
        }
        let twiml = value("Twiml"), url = value("Url")
        guard (twiml == nil) != (url == nil) else {
            return Self.error(status: 400, code: 21205, message: "Exactly one of Url, Twiml or ApplicationSid is required.")
        }
        if let twiml, twiml.count > 4000 {
            return Self.error(status: 400, code: 13300, message: "Twiml is longer than 4000 characters.")
        }
        let call = SimulatedCall(
            sid: Self.newSID("CA"), to: to, from: from, twiml: twiml, url: url, statusCallback: value("StatusCallback"),
            statusCallbackEvents: fields.filter { $0.0 == "StatusCallbackEvent" }.map(\.1), status: "queued", redirects: [],
            fields: fields.map { [$0.0, $0.1] })
        await state.add(call)
        logger.info("call \(call.sid) to \(to): \(twiml ?? url ?? "")")
        if configuration.sendsStatusCallbacks, let callback = call.statusCallback {
            let order: [Int]
            switch configuration.callbackOrder {
            case .inOrder: order = [0, 1, 2, 3]
            case .shuffled(let seed): order = CallbackJob.shuffled(seed: seed ^ UInt64(truncatingIfNeeded: call.sid.hashValue))
            }
            callbacks.yield(CallbackJob(url: callback, callSID: call.sid, accountSID: configuration.accountSID, from: from, to: to, order: order))
        }
        if let dialer = configuration.dialer { Task { await dialer(call) } }
        return Self.json(Self.resource(call, account: configuration.accountSID), status: 201)
    }

    private func updateCall(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let fields = try await form(request)
        if let refused = try await admit(request, context, endpoint: .updateCall, fields: fields, to: nil) { return refused }
        let file = context.parameters.get("call") ?? ""
        guard file.hasSuffix(".json") else { return Self.error(status: 404, code: 20404, message: "The requested resource was not found") }
        let sid = String(file.dropLast(5))
        guard let call = await state.call(sid: sid) else {
            return Self.error(status: 404, code: 20404, message: "The requested resource /Calls/\(sid).json was not found")
        }
        guard !["completed", "canceled", "failed", "busy", "no-answer"].contains(call.status) else {
            return Self.error(status: 400, code: 21220, message: "Call is not in-progress. Cannot redirect.")
        }
        let status = fields.last { $0.0 == "Status" }?.1, twiml = fields.last { $0.0 == "Twiml" }?.1
        if let status, !["completed", "canceled"].contains(status) {
            return Self.error(status: 400, code: 21218, message: "Invalid Status: \(status)")
        }
        await state.update(sid: sid) { c in
            if let status { c.status = status }
            if let twiml { c.redirects.append(twiml) }
        }
        return Self.json(Self.resource(await state.call(sid: sid) ?? call, account: configuration.accountSID), status: 200)
    }

    private func list(_ request: Request, _ context: BasicRequestContext, endpoint: SimulatedFault.Endpoint, key: String, numbers: Set<String>, prefix: String) async throws -> Response {
        let query = FormEncoding.decode(Substring(request.uri.query ?? ""))
        let filter = query.last { $0.0 == "PhoneNumber" }?.1
        if let refused = try await admit(request, context, endpoint: endpoint, fields: query, to: filter) { return refused }
        let matches = numbers.sorted().filter { filter == nil || $0 == filter }
        let items: [[String: Any]] = matches.map { ["sid": prefix + String(repeating: "0", count: 32), "phone_number": $0, "friendly_name": $0, "account_sid": configuration.accountSID] }
        return Self.json([key: items, "page": 0, "page_size": 50, "start": 0, "end": max(0, items.count - 1), "next_page_uri": NSNull(), "previous_page_uri": NSNull(),
                          "first_page_uri": request.uri.path, "uri": request.uri.path], status: 200)
    }

    static func resource(_ call: SimulatedCall, account: String) -> [String: Any] {
        ["sid": call.sid, "account_sid": account, "to": call.to, "to_formatted": call.to, "from": call.from, "from_formatted": call.from,
         "status": call.status, "direction": "outbound-api", "api_version": "2010-04-01", "answered_by": NSNull(), "parent_call_sid": NSNull(),
         "uri": "/2010-04-01/Accounts/\(account)/Calls/\(call.sid).json"]
    }

    static func error(status: Int, code: Int, message: String, shape: SimulatedFault.Shape = .legacy) -> Response {
        let body: [String: Any] = switch shape {
        case .legacy: ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status]
        case .problem: ["type": "https://www.twilio.com/docs/errors/\(code)", "title": message, "status": status, "code": code, "detail": message]
        }
        return json(body, status: status)
    }

    static func json(_ object: [String: Any], status: Int) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func newSID(_ prefix: String) -> String {
        var g = SystemRandomNumberGenerator()
        return prefix + (0..<32).map { _ in String(Int(g.next() % 16), radix: 16) }.joined()
    }
}
