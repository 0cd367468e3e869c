/// An error answer from Twilio's REST API, parsed from either error shape
/// (the Voice API's `{code, message, more_info, status}` or RFC 9457 problem JSON).
public struct TwilioAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status Twilio answered with.
    public var httpStatus: Int
    /// Twilio's error code (e.g. 21211), when it sent one.
    public var code: Int?
    /// Twilio's message.
    public var message: String
    /// The documentation link Twilio sent.
    public var moreInfo: String?

    public init(httpStatus: Int, code: Int?, message: String, moreInfo: String? = nil) {
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.moreInfo = moreInfo
    }

    public var description: String {
        "Twilio answered \(httpStatus)" + (code.map { " (error \($0))" } ?? "") + ": \(message)"
    }

    /// Parses an error body; falls back to the raw text when it is not JSON.
    public static func parse(status: Int, body: [UInt8]) -> TwilioAPIError {
        struct Legacy: Decodable { var code: Int?; var message: String?; var more_info: String? }
        struct Problem: Decodable { var code: Int?; var title: String?; var detail: String?; var type: String? }
        if let p = try? JSONCodec.decode(Problem.self, from: body), p.title != nil || p.detail != nil {
            let message = [p.title, p.detail].compactMap { $0 }.joined(separator: ": ")
            return TwilioAPIError(httpStatus: status, code: p.code, message: message, moreInfo: p.type)
        }
        if let l = try? JSONCodec.decode(Legacy.self, from: body), l.code != nil || l.message != nil {
            return TwilioAPIError(httpStatus: status, code: l.code, message: l.message ?? "no message", moreInfo: l.more_info)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return TwilioAPIError(httpStatus: status, code: nil, message: text.isEmpty ? "empty error body" : text)
    }
}
