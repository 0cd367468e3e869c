import Crypto
import Foundation

/// `X-Twilio-Signature` (protocols.md §3.7): HMAC-SHA1, keyed with the account's auth token, over the
/// URL Twilio requested followed by the form parameters sorted by name (`name` + `value` each;
/// repeated names de-duplicated and sorted by value), base64 with padding.
///
/// The URL must be the one configured with Twilio (built from the gateway's public base URL), never
/// one rebuilt from proxy headers, which a client controls.
public struct TwilioSignature: Sendable {
    /// The request header Twilio signs with.
    public static let header = "X-Twilio-Signature"

    private let key: SymmetricKey

    /// A signer/validator for the account whose auth token is `authToken` (never logged).
    public init(authToken: String) {
        key = SymmetricKey(data: Data(authToken.utf8))
    }

    /// The signature Twilio sends for `url` and the form parameters `parameters` (none for GET and the WebSocket upgrade).
    public func sign(url: String, parameters: [(String, String)] = []) -> String {
        var data = Data(url.utf8)
        var byName: [String: Set<String>] = [:]
        for (name, value) in parameters { byName[name, default: []].insert(value) }
        // Plain code-unit order, as the official libraries sort: not Foundation's locale-aware compare.
        for name in byName.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for value in byName[name]!.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                data.append(contentsOf: name.utf8)
                data.append(contentsOf: value.utf8)
            }
        }
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key)).base64EncodedString()
    }

    /// Whether `signature` is Twilio's for `url` and `parameters`, with or without an explicit default
    /// port in the URL (as the official libraries accept). Constant time in the signature's bytes.
    public func isValid(_ signature: String?, url: String, parameters: [(String, String)] = []) -> Bool {
        guard let signature, !signature.isEmpty else { return false }
        var valid = false
        for candidate in Self.portVariants(of: url) {
            // No short-circuit: every variant is compared in full.
            valid = ConstantTime.equal(sign(url: candidate, parameters: parameters), signature) || valid
        }
        return valid
    }

    /// The JSON-body variant: `url` carries `bodySHA256=<hex>` in its query; the body's hash must match
    /// it and the signature covers the URL alone.
    public func isValid(_ signature: String?, url: String, jsonBody: [UInt8]) -> Bool {
        guard let query = url.firstIndex(of: "?").map({ url[url.index(after: $0)...] }),
              let hash = FormEncoding.decode(query).first(where: { $0.0 == "bodySHA256" })?.1
        else { return false }
        return ConstantTime.equal(Self.bodyHash(jsonBody), hash.lowercased()) && isValid(signature, url: url)
    }

    /// Hex SHA-256 of a raw request body, as Twilio puts in `bodySHA256`.
    public static func bodyHash(_ body: [UInt8]) -> String {
        SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    /// `url` as given, plus the same URL with its default port (`:443` for https/wss, `:80` for http/ws)
    /// added when absent or removed when present.
    static func portVariants(of url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let defaultPort: String
        switch scheme {
        case "https", "wss": defaultPort = "443"
        case "http", "ws": defaultPort = "80"
        default: return [url]
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd], tail = rest[authorityEnd...]
        let head = url[..<schemeEnd.upperBound]
        // The host part after any user info; an IPv6 literal's colons are inside brackets.
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostPart = authority[hostStart...]
        let portColon = hostPart.lastIndex(of: ":").flatMap { colon in
            hostPart[colon...].contains("]") ? nil : colon
        }
        if let colon = portColon {
            guard hostPart[hostPart.index(after: colon)...] == defaultPort else { return [url] }
            return [url, String(head + authority[..<colon] + tail)]
        }
        return [url, String(head + authority + ":" + defaultPort + tail)]
    }
}
