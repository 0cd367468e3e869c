import Foundation

/// Where the shared PostgreSQL store is, read from `DATABASE_URL`
/// (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…`, as libpq writes it).
public struct PostgresConnectionSettings: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values that this client supports.
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Settings from `url`; the error names what is wrong with it (never the password).
    public init(url: String) throws(StoreError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("DATABASE_URL must look like postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError("DATABASE_URL has no host: write postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError("DATABASE_URL has no user name: write postgres://USER:PASSWORD@\(host)/DATABASE")
        }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError("DATABASE_URL names no database: end it with /DATABASE")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreError("DATABASE_URL's sslmode must be disable, prefer, require or verify-full, not '\(item.value ?? "")'")
                }
                tls = mode
            default:
                throw StoreError("DATABASE_URL's option '\(item.name)' is not supported (only sslmode is)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user?.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    /// The server and database, without the password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}
