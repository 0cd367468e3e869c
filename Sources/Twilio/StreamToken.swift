import Crypto
import Foundation

/// The signed token that lets any gateway instance accept a call's media stream
/// without shared memory: an HMAC-SHA256 over the call id, the expiry and the
/// per-call context (`message`, `user_id`), carried with them as TwiML
/// `<Parameter>`s and handed back by Twilio in `start.customParameters`.
public struct StreamToken: Sendable {
    /// What the token vouches for.
    public struct Claims: Equatable, Sendable {
        /// The gateway's id for the call.
        public var callID: String
        /// Seconds since 1970 after which the token is refused.
        public var expiresAt: Int
        /// The purpose of the call given to `POST /outbound-call` (may be empty).
        public var message: String
        /// The caller's id for the person called (may be empty).
        public var userID: String

        public init(callID: String, expiresAt: Int, message: String = "", userID: String = "") {
            self.callID = callID
            self.expiresAt = expiresAt
            self.message = message
            self.userID = userID
        }
    }

    /// Why a token was refused.
    public enum Rejection: Error, Equatable, Sendable, CustomStringConvertible {
        /// A parameter the token needs is absent.
        case missingParameter(String)
        /// The signature does not match the parameters.
        case invalidSignature
        /// The token's time is up.
        case expired

        public var description: String {
            switch self {
            case .missingParameter(let name): "stream token: parameter '\(name)' is missing"
            case .invalidSignature: "stream token: signature does not match"
            case .expired: "stream token: expired"
            }
        }
    }

    /// The `<Parameter>` names used.
    public enum Parameter {
        public static let callID = "callId"
        public static let expires = "expires"
        public static let message = "message"
        public static let userID = "userId"
        public static let token = "token"
    }

    private let key: SymmetricKey

    /// A signer with a secret shared by every instance (never logged).
    public init(secret: String) {
        // Domain-separate the key so the same secret used elsewhere cannot forge tokens.
        let derived = HMAC<SHA256>.authenticationCode(for: Data("anpi-call stream token v1".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        key = SymmetricKey(data: Data(derived))
    }

    /// The signature of `claims`, base64url without padding.
    public func sign(_ claims: Claims) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Self.canonical(claims), using: key)
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The `<Parameter>`s to put in the TwiML for `claims`, token included.
    public func parameters(for claims: Claims) -> [(name: String, value: String)] {
        var p: [(name: String, value: String)] = [(Parameter.callID, claims.callID), (Parameter.expires, String(claims.expiresAt))]
        if !claims.message.isEmpty { p.append((Parameter.message, claims.message)) }
        if !claims.userID.isEmpty { p.append((Parameter.userID, claims.userID)) }
        p.append((Parameter.token, sign(claims)))
        return p
    }

    /// Checks `start.customParameters` and returns the claims they carry.
    public func verify(_ parameters: [String: String], now: Int) throws(Rejection) -> Claims {
        guard let callID = parameters[Parameter.callID] else { throw .missingParameter(Parameter.callID) }
        guard let expiresText = parameters[Parameter.expires], let expires = Int(expiresText) else { throw .missingParameter(Parameter.expires) }
        guard let token = parameters[Parameter.token] else { throw .missingParameter(Parameter.token) }
        let claims = Claims(callID: callID, expiresAt: expires, message: parameters[Parameter.message] ?? "", userID: parameters[Parameter.userID] ?? "")
        guard ConstantTime.equal(sign(claims), token) else { throw .invalidSignature }
        guard now <= expires else { throw .expired }
        return claims
    }

    /// Length-prefixed fields, so no choice of values can make two claims sign alike.
    static func canonical(_ c: Claims) -> Data {
        var d = Data("v1".utf8)
        for field in [c.callID, String(c.expiresAt), c.message, c.userID] {
            let bytes = Data(field.utf8)
            d.append(contentsOf: "\(bytes.count):".utf8)
            d.append(bytes)
        }
        return d
    }
}
