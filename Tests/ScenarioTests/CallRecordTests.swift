import Foundation
import Scenario
import Testing

/// Issue 7's call records, end to end: a whole loopback call is stored with its status callbacks in
/// order, its outcome, safety status and both sides' transcript, and the API returns it.
@Suite struct CallRecordTests {
    @Test func aCallIsStoredAndServedByTheAPI() async throws {
        var options = LoopbackCall.Options()
        options.userID = "u-record 1"
        options.environment["API_AUTH_TOKEN"] = ObservabilityTests.apiToken
        let recordings = FileManager.default.temporaryDirectory.appendingPathComponent("anpi-recordings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: recordings) }
        options.environment["RECORDINGS_DIR"] = recordings.path
        let outcome = try await LoopbackCall(options: options).run()
        #expect(outcome.storedCall.status == 200, "\(outcome.storedCall.text)")
        let call = try #require(try JSONSerialization.jsonObject(with: Data(outcome.storedCall.text.utf8)) as? [String: Any])
        #expect(call["id"] as? String == outcome.callID)
        #expect(call["call_sid"] as? String == outcome.report.callSID)
        #expect(call["direction"] as? String == "outbound" && call["to_number"] as? String == "+819012345678")
        #expect(call["user_id"] as? String == "u-record 1" && call["message"] as? String == options.message)
        #expect(call["audio_mode"] as? String == "pcmu")
        #expect(call["end_reason"] as? String == "completed")
        #expect(call["status"] as? String == "completed")
        let events = (call["status_events"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        #expect(events == ["initiated", "ringing", "in-progress", "completed"])
        #expect(call["answered_at"] is String && call["ended_at"] is String && call["created_at"] is String)
        let safety = try #require(call["safety"] as? [String: Any])
        #expect(safety["status"] as? String == outcome.report.safetyStatus?.status.rawValue)
        let transcript = call["transcript"] as? [[String: Any]] ?? []
        #expect(transcript.count == outcome.report.transcript.count && !transcript.isEmpty)
        #expect(Set(transcript.compactMap { $0["speaker"] as? String }) == ["assistant", "callee"])

        // The recording: an Ogg Opus file, stereo (callee left, assistant right), as long as the call.
        let path = try #require(call["recording_path"] as? String)
        #expect(path == recordings.appendingPathComponent("\(outcome.callID).opus").path && outcome.report.recordingPath == path)
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.prefix(4) == Data("OggS".utf8))
        let head = try #require(file.range(of: Data("OpusHead".utf8)))
        #expect(file[head.upperBound + 1] == 2)  // channel count
        // Opus at 24 kbit/s: about 3 KB a second of call.
        let seconds = Double(outcome.report.framesToModel) / 50
        #expect(seconds > 10 && Double(file.count) > seconds * 1500 && Double(file.count) < seconds * 5000, "\(file.count) bytes for \(seconds) s")

        #expect(outcome.storedCalls.status == 200)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(outcome.storedCalls.text.utf8)) as? [String: Any])
        #expect((list["calls"] as? [[String: Any]])?.map { $0["id"] as? String } == [outcome.callID])
    }
}
