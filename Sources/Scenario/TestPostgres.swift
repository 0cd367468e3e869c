import Foundation
import Logging
import Storage

/// The PostgreSQL server the tests may use: `ANPI_TEST_DATABASE_URL` (`.ci/test.sh` starts Debian's
/// PostgreSQL and sets it). Each test gets a scratch database of its own, dropped afterwards, so
/// tests never see each other's rows and can run in parallel.
public enum TestPostgres {
    /// The server's URL, or nil when the tests run without PostgreSQL.
    public static var baseURL: String? {
        ProcessInfo.processInfo.environment["ANPI_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why the PostgreSQL cases are skipped, for the test that says so.
    public static let skipReason = "ANPI_TEST_DATABASE_URL is not set: the PostgreSQL storage tests are SKIPPED "
        + "(run `bash .ci/test.sh`, which starts a local PostgreSQL, or point ANPI_TEST_DATABASE_URL at one)"

    /// The stores a gateway test can run on: `sqlite` always, `postgres` when a server was given.
    public static var storeKinds: [String] { baseURL == nil ? ["sqlite"] : ["sqlite", "postgres"] }

    /// Runs `body` with the gateway variables that select the store `kind` names: none for SQLite
    /// (the gateway's default under `DATA_DIR`), `DATABASE_URL` of a scratch database for PostgreSQL.
    public static func withStoreVariables<T>(_ kind: String, _ body: ([String: String]) async throws -> T) async throws -> T {
        guard kind == "postgres" else { return try await body([:]) }
        return try await withScratchDatabase { url in try await body(["DATABASE_URL": url]) }
    }

    /// Runs `body` with the URL of a new, empty database on the test server, dropped afterwards.
    public static func withScratchDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        guard let base = baseURL else { throw StoreError(skipReason) }
        let settings = try PostgresConnectionSettings(url: base)
        // Generated here, never from input: lower-case letters and digits only.
        let name = "anpi_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = PostgresDatabase(settings: settings, maxConnections: 1, logger: Logger(label: "test-postgres"))
        do {
            try await admin.execute("CREATE DATABASE \(name)")
        } catch {
            await admin.close()
            throw error
        }
        var components = URLComponents(string: base)!
        components.path = "/" + name
        do {
            let result = try await body(components.string!)
            try await dropDatabase(name, on: admin)
            await admin.close()
            return result
        } catch {
            try? await dropDatabase(name, on: admin)
            await admin.close()
            throw error
        }
    }

    private static func dropDatabase(_ name: String, on admin: PostgresDatabase) async throws {
        // WITH (FORCE): a connection a test left open (a killed gateway's) does not keep it.
        try await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
