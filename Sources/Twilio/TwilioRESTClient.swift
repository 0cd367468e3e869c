import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Twilio's Voice REST API (2010-04-01) over AsyncHTTPClient: create and update
/// calls, and the caller-id / number lists behind the permission check.
///
/// Requests are form-encoded with Basic auth. Each attempt has a deadline;
/// 429 and 5xx answers (and nothing else) are retried with exponential back-off.
/// The credentials never appear in errors or descriptions.
public struct TwilioRESTClient: Sendable {
    /// Connection settings.
    public struct Configuration: Sendable {
        /// e.g. `https://api.twilio.com`, or the simulator's `http://127.0.0.1:PORT`.
        public var baseURL: String
        public var accountSID: String
        public var authToken: String
        /// Deadline of one attempt.
        public var requestTimeout: Duration = .seconds(10)
        /// Extra attempts after a 429 / 5xx.
        public var retries = 2
        /// First back-off; doubled each retry.
        public var backoff: Duration = .milliseconds(250)

        public init(baseURL: String, accountSID: String, authToken: String) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.accountSID = accountSID
            self.authToken = authToken
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient

    public init(configuration: Configuration, httpClient: HTTPClient) {
        self.configuration = configuration
        self.http = httpClient
    }

    private var accountPath: String { "\(configuration.baseURL)/2010-04-01/Accounts/\(FormEncoding.escape(configuration.accountSID))" }

    /// Places a call.
    public func createCall(_ request: CallRequest) async throws -> CallResource {
        try await send(.POST, "\(accountPath)/Calls.json", form: request.formFields, as: CallResource.self)
    }

    /// Hangs up an answered call (`Status=completed`).
    public func hangUp(callSID: String) async throws -> CallResource {
        try await send(.POST, "\(accountPath)/Calls/\(FormEncoding.escape(callSID)).json", form: [("Status", "completed")], as: CallResource.self)
    }

    /// Replaces the call's TwiML (e.g. `<Say>` then `<Hangup/>`), which ends its media stream.
    public func redirect(callSID: String, twiml: String) async throws -> CallResource {
        try await send(.POST, "\(accountPath)/Calls/\(FormEncoding.escape(callSID)).json", form: [("Twiml", twiml)], as: CallResource.self)
    }

    /// Whether `number` is a verified caller id of the account.
    public func isVerifiedCallerID(_ number: E164Number) async throws -> Bool {
        struct List: Decodable { var outgoing_caller_ids: [Entry] }
        struct Entry: Decodable { var phone_number: String }
        let url = "\(accountPath)/OutgoingCallerIds.json?" + FormEncoding.encode([("PhoneNumber", number.rawValue)])
        return try await send(.GET, url, form: nil, as: List.self).outgoing_caller_ids.contains { $0.phone_number == number.rawValue }
    }

    /// Whether `number` is one of the account's own numbers.
    public func isAccountNumber(_ number: E164Number) async throws -> Bool {
        struct List: Decodable { var incoming_phone_numbers: [Entry] }
        struct Entry: Decodable { var phone_number: String }
        let url = "\(accountPath)/IncomingPhoneNumbers.json?" + FormEncoding.encode([("PhoneNumber", number.rawValue)])
        return try await send(.GET, url, form: nil, as: List.self).incoming_phone_numbers.contains { $0.phone_number == number.rawValue }
    }

    private var authorization: String {
        "Basic " + Data("\(configuration.accountSID):\(configuration.authToken)".utf8).base64EncodedString()
    }

    private func send<T: Decodable>(_ method: HTTPMethod, _ url: String, form: [(String, String)]?, as type: T.Type) async throws -> T {
        var attempt = 0
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: authorization)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "anpi-call")
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
            }
            let status: Int
            let body: [UInt8]
            do {
                let response = try await http.execute(request, timeout: .nanoseconds(Int64(configuration.requestTimeout / .nanoseconds(1))))
                status = Int(response.status.code)
                var buffer = try await response.body.collect(upTo: 4 << 20)
                body = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw TwilioClientError.timeout(seconds: Double(configuration.requestTimeout.components.seconds) + Double(configuration.requestTimeout.components.attoseconds) / 1e18)
            } catch let error as TwilioClientError {
                throw error
            } catch {
                throw TwilioClientError.unreachable(String(describing: error))
            }
            if (200..<300).contains(status) {
                do {
                    return try JSONCodec.decode(T.self, from: body)
                } catch {
                    throw TwilioClientError.malformedResponse("\(T.self): \(error)")
                }
            }
            if (status == 429 || status >= 500) && attempt < configuration.retries {
                try await Task.sleep(for: configuration.backoff * (1 << attempt))
                attempt += 1
                continue
            }
            throw TwilioAPIError.parse(status: status, body: body)
        }
    }
}
