import Foundation
import Hummingbird
import Twilio

/// A request as the simulator's actor sees it: read off the wire once, then plain values.
struct SimulatorRequest: Sendable {
    var method: String
    var path: String
    var endpoint: TwilioEndpoint
    var query: [FormField]
    var form: [FormField]
    var authorization: String?
    /// `{AccountSid}` of the path.
    var accountSID: String
    /// `{CallSid}` of the path, for fetch and update.
    var callSID: String?

    /// Largest form body read.
    static let maxBodyBytes = 1 << 20

    init(_ request: Request, _ context: BasicRequestContext, endpoint: TwilioEndpoint) async throws {
        method = request.method.rawValue
        path = request.uri.path
        self.endpoint = endpoint
        query = FormField.list(FormEncoding.decode(Substring(request.uri.query ?? "")))
        var body = try await request.body.collect(upTo: Self.maxBodyBytes)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        form = FormField.list(FormEncoding.decode(Substring(decoding: bytes, as: UTF8.self)))
        authorization = request.headers[.authorization]
        accountSID = context.parameters.get("accountSID") ?? ""
        callSID = context.parameters.get("callSID")
    }

    /// What the request log keeps.
    var record: SimulatedRequest {
        SimulatedRequest(method: method, path: path, endpoint: endpoint, query: query, form: form, responseStatus: nil)
    }

    /// The Basic-auth user and password, if the header is well formed.
    var basicCredentials: (user: String, password: String)? {
        guard let authorization, authorization.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
