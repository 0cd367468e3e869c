import Foundation

/// Files under Tests/MediaCoreTests/Resources, found from this source file's path.
enum TestResources {
    static let directory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

    /// The bytes of a resource; fails the test run loudly if it is missing.
    static func data(_ name: String) -> Data {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else {
            fatalError("test resource missing: \(url.path)")
        }
        return data
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A fresh empty directory for a test's output files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
