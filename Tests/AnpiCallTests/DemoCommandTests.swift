import Foundation
import Testing

@Suite struct DemoCommandTests {
    /// `anpi-call demo` runs a whole call, prints the timeline and result, writes a stereo WAV, exits 0.
    @Test(.timeLimit(.minutes(2))) func demoRunsAWholeCall() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run(["demo", "--format", "pcma"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("result: safe"))
        #expect(result.stdout.contains("barge-in: cleared"))
        #expect(result.stdout.contains("ended: the assistant ended the call"))
        let wav = try Data(contentsOf: dir.appendingPathComponent("demo-call.wav"))
        #expect(wav.count > 44 + 8000 * 2 * 2 * 10, "more than 10 s of stereo")
        #expect(wav[22] == 2 && wav[23] == 0, "stereo")
        #expect(Int(wav[24]) | Int(wav[25]) << 8 == 8000)
    }

    @Test func badFormatIsExplained() throws {
        let result = try CommandRunner.run(["demo", "--format", "opus"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: --format must be pcmu, pcma or pcm24k, not 'opus'\n")
    }
}
