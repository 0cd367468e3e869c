import Foundation
import Testing

/// The `anpi-call audio` commands as a user runs them.
@Suite struct AudioCommandTests {
    static let clip = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MediaCoreTests/Resources/callee_moshimoshi_8k.wav").path

    @Test func convertWritesTheOutputAndSaysWhat() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.pcm").path
        let r = try CommandRunner.run(["audio", "convert", "--in", Self.clip, "--in-format", "wav", "--out", out, "--out-format", "pcm16:24000", "--chunk-ms", "20"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("at 24000 Hz"))
        #expect(r.stdout.contains("polyphase"))
        let inBytes = try FileManager.default.attributesOfItem(atPath: Self.clip)[.size] as! Int - 44
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int == inBytes * 3)
    }

    @Test(arguments: [
        (["--in-format", "mp3", "--out-format", "pcmu"], "unknown audio format 'mp3'"),
        (["--in-format", "wav", "--out-format", "flac"], "unknown audio format 'flac'"),
        (["--in-format", "opus", "--out-format", "pcmu"], "output format only"),
    ])
    func badFormatsExitTwoWithOneLine(args: [String], message: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o").path
        let r = try CommandRunner.run(["audio", "convert", "--in", Self.clip, "--out", out] + args)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(message))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func badFilesExitTwoAndLeaveNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0, 1, 2]).write(to: dir.appendingPathComponent("odd.pcm"))
        try Data("RIFF....WAVEjunk".utf8).write(to: dir.appendingPathComponent("bad.wav"))
        for (input, format, message) in [("missing.wav", "wav", "cannot open"), ("odd.pcm", "pcm16:8000", "odd number of bytes"), ("bad.wav", "wav", "cannot read WAV")] {
            let out = dir.appendingPathComponent("out.ulaw").path
            let r = try CommandRunner.run(["audio", "convert", "--in", dir.appendingPathComponent(input).path, "--in-format", format, "--out", out, "--out-format", "pcmu"])
            #expect(r.status == 2, "\(input)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["bad.wav", "odd.pcm"])
    }

    @Test func benchPrintsEveryFigureAsJSON() throws {
        let r = try CommandRunner.run(["audio", "bench", "--json", "--rounds", "1", "--round-ms", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let resamplers = try #require(json["resamplers"] as? [[String: Any]])
        #expect(resamplers.count == 18)
        let poly = try #require(resamplers.first { $0["path"] as? String == "8000→24000" && $0["kind"] as? String == "polyphase" })
        for key in ["megasamplesPerSecond", "delayMilliseconds", "passbandRippleDB", "rejectionDB", "speedupVsSpeexQ3", "speedupVsSpeexQ5"] {
            #expect(poly[key] is Double, "\(key)")
        }
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.contains { ($0["name"] as? String) == "μ-law encode" })
    }
}
