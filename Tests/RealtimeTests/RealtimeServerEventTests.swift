@testable import Realtime
import Testing

@Suite struct RealtimeServerEventTests {
    @Test func parsesTheEventsTheBridgeActsOn() throws {
        let cases: [(String, RealtimeServerEvent)] = [
            (#"{"type":"session.created","event_id":"e1","session":{"id":"sess_1","type":"realtime"}}"#, .sessionCreated(sessionID: "sess_1")),
            (#"{"type":"session.updated","session":{}}"#, .sessionUpdated),
            (#"{"type":"input_audio_buffer.speech_started","audio_start_ms":1200,"item_id":"item_u1"}"#, .speechStarted(audioStartMilliseconds: 1200, itemID: "item_u1")),
            (#"{"type":"input_audio_buffer.speech_stopped","audio_end_ms":2400,"item_id":"item_u1"}"#, .speechStopped(audioEndMilliseconds: 2400, itemID: "item_u1")),
            (#"{"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}"#, .responseCreated(responseID: "resp_1")),
            (#"{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_a1","output_index":0,"content_index":0,"delta":"/38A"}"#,
             .audioDelta(responseID: "resp_1", itemID: "item_a1", audio: [0xFF, 0x7F, 0x00])),
            (#"{"type":"response.output_audio.done","response_id":"resp_1","item_id":"item_a1"}"#, .audioDone(responseID: "resp_1", itemID: "item_a1")),
            (#"{"type":"response.output_audio_transcript.done","item_id":"item_a1","transcript":"ご無事ですか"}"#, .assistantTranscript(itemID: "item_a1", transcript: "ご無事ですか")),
            (#"{"type":"conversation.item.input_audio_transcription.completed","item_id":"item_u1","content_index":0,"transcript":"はい、無事です"}"#,
             .calleeTranscript(itemID: "item_u1", transcript: "はい、無事です")),
            (#"{"type":"response.function_call_arguments.done","call_id":"call_1","name":"record_safety_status","arguments":"{\"status\":\"safe\"}","item_id":"item_f1","response_id":"resp_2","output_index":0}"#,
             .functionCall(callID: "call_1", name: "record_safety_status", arguments: #"{"status":"safe"}"#, itemID: "item_f1", responseID: "resp_2")),
            (#"{"type":"response.done","response":{"id":"resp_1","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"}}}"#,
             .responseDone(responseID: "resp_1", status: "cancelled", reason: "turn_detected")),
            (#"{"type":"conversation.item.truncated","item_id":"item_a1","content_index":0,"audio_end_ms":640}"#, .itemTruncated(itemID: "item_a1", audioEndMilliseconds: 640)),
            (#"{"type":"error","event_id":"e9","error":{"type":"invalid_request_error","code":"session_expired","message":"Your session hit the maximum duration of 60 minutes.","param":null,"event_id":null}}"#,
             .error(type: "invalid_request_error", code: "session_expired", message: "Your session hit the maximum duration of 60 minutes.", eventID: nil)),
            (#"{"type":"rate_limits.updated","rate_limits":[]}"#, .other(type: "rate_limits.updated")),
        ]
        for (text, expected) in cases {
            #expect(try RealtimeServerEvent.parse(text) == expected, "\(text)")
        }
    }

    @Test(arguments: ["", "[]", #"{"no_type":1}"#, "not json", #"{"type":"response.output_audio.delta","delta":"***"}"#])
    func refusesWhatIsNotAnEvent(_ text: String) {
        #expect(throws: RealtimeProtocolError.self) { try RealtimeServerEvent.parse(text) }
    }
}

@Suite struct RealtimeDeltaFastPathTests {
    /// Audio deltas skip JSONSerialization whatever their key order, with the same result.
    @Test func fastDeltaEqualsTheFullParser() throws {
        let texts = [
            #"{"type":"response.output_audio.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"/38A"}"#,
            #"{"delta":"/38A","item_id":"item_1","response_id":"resp_1","type":"response.output_audio.delta","event_id":"e1"}"#,
        ]
        for text in texts {
            let fast = try #require(RealtimeServerEvent.fastAudioDelta(text))
            #expect(fast == .audioDelta(responseID: "resp_1", itemID: "item_1", audio: [0xFF, 0x7F, 0x00]))
            #expect(try RealtimeServerEvent.parse(text) == fast)
        }
        #expect(RealtimeServerEvent.fastAudioDelta(#"{"type":"response.output_audio.done","response_id":"r","item_id":"i"}"#) == nil)
        #expect(throws: RealtimeProtocolError.self) { try RealtimeServerEvent.parse(#"{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"@@"}"#) }
    }
}
