import Foundation
import Testing

@Suite struct LoadtestCommandTests {
    /// A small load test end to end: the gateway as a child process, every call connected, every burst
    /// echoed with nothing lost, and the figures in the JSON.
    @Test(.timeLimit(.minutes(2))) func smallLoadTestReportsItsFigures() throws {
        let result = try CommandRunner.run(["loadtest", "--calls", "3", "--seconds", "5", "--ramp", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["connected"] as? Int == 3)
        #expect((json["bursts"] as? Int ?? 0) >= 3)
        #expect(json["echoes"] as? Int == json["bursts"] as? Int)
        #expect(json["lost_frames"] as? Int == 0)
        #expect((json["frames_in"] as? Int ?? 0) > 3 * 200)
        let gateway = try #require(json["gateway"] as? [String: Any])
        #expect((gateway["cpu_percent"] as? Double ?? -1) >= 0)
        #expect((gateway["rss_peak_kib"] as? Int ?? 0) > 0)
        #expect((json["model_delay_ms"] as? Double ?? 0) > 600)
        #expect(result.stderr.contains("started the gateway"))
    }

    @Test func refusesANonLoopbackTarget() throws {
        let result = try CommandRunner.run(["loadtest", "--target", "http://example.com:8080"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--target must be a loopback"))
    }
}
