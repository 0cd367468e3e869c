import Foundation
import Hummingbird
import Twilio

/// JSON answers in the original app's shapes.
enum JSONResponse {
    /// A JSON object answer with `status`.
    static func make(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"success": false, "error": …}` (plus Twilio's code when it refused).
    static func failure(_ error: OutboundCallError) -> Response {
        var body: [String: Any] = ["success": false, "error": error.description]
        if case .twilioRefused(let e) = error, let code = e.code { body["twilio_code"] = code }
        var response = make(body, status: HTTPResponse.Status(code: error.httpStatus))
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        if case .unauthorized = error { response.headers[.wwwAuthenticate] = #"Bearer realm="anpi-call""# }
        return response
    }

    /// A Codable value as JSON (ISO 8601 dates, keys sorted).
    static func encoded<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// TwiML (XML) answer.
    static func twiml(_ xml: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
