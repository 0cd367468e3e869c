import Foundation
import Realtime
import Testing

@Suite struct RealtimeClientEventTests {
    static func object(_ json: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    static func session(_ format: RealtimeAudioFormat) -> [String: Any] {
        var c = RealtimeSessionConfiguration(model: "gpt-realtime", instructions: "あなたは安否確認の担当者です。", audioFormat: format)
        c.tools = SafetyConfirmationTools.all
        let o = object(RealtimeClientEvent.sessionUpdate(c).json())
        #expect(o["type"] as? String == "session.update")
        return o["session"] as? [String: Any] ?? [:]
    }

    @Test func sessionUpdateHasTheGAShape() {
        let s = Self.session(.pcmu)
        #expect(s["type"] as? String == "realtime", "session.type is required in GA")
        #expect(s["output_modalities"] as? [String] == ["audio"])
        for beta in ["modalities", "input_audio_format", "output_audio_format", "input_audio_transcription", "turn_detection", "voice", "temperature"] {
            #expect(s[beta] == nil, "beta field \(beta) must not be sent")
        }
        let audio = s["audio"] as? [String: Any] ?? [:]
        let input = audio["input"] as? [String: Any] ?? [:]
        let vad = input["turn_detection"] as? [String: Any] ?? [:]
        #expect(vad["type"] as? String == "server_vad")
        for key in ["threshold", "prefix_padding_ms", "silence_duration_ms", "create_response", "interrupt_response"] {
            #expect(vad[key] != nil, "\(key) is set explicitly")
        }
        #expect((input["transcription"] as? [String: Any])?["language"] as? String == "ja")
        #expect((input["noise_reduction"] as? [String: Any])?["type"] as? String == "near_field")
        #expect((audio["output"] as? [String: Any])?["voice"] as? String == "marin")
        let tools = s["tools"] as? [[String: Any]] ?? []
        #expect(tools.map { $0["name"] as? String } == ["end_call", "record_safety_status"])
        let status = ((tools[1]["parameters"] as? [String: Any])?["properties"] as? [String: Any])?["status"] as? [String: Any]
        #expect(status?["enum"] as? [String] == ["safe", "injured", "needs_help", "unreachable", "unknown"])
    }

    @Test(arguments: [(RealtimeAudioFormat.pcmu, "audio/pcmu", nil as Int?), (.pcma, "audio/pcma", nil), (.pcm24k, "audio/pcm", 24000)])
    func formatsFollowTheMode(format: RealtimeAudioFormat, type: String, rate: Int?) {
        let audio = Self.session(format)["audio"] as? [String: Any] ?? [:]
        for side in ["input", "output"] {
            let f = (audio[side] as? [String: Any])?["format"] as? [String: Any] ?? [:]
            #expect(f["type"] as? String == type)
            #expect(f["rate"] as? Int == rate, "G.711 formats carry no rate key")
        }
        #expect(format.bytesPerMillisecond == (format == .pcm24k ? 48 : 8))
    }

    @Test func theOtherClientEvents() {
        #expect(RealtimeClientEvent.appendAudio([0xFF, 0x7F, 0x00]).json() == #"{"type":"input_audio_buffer.append","audio":"/38A"}"#)
        #expect(RealtimeClientEvent.createResponse.json() == #"{"type":"response.create"}"#)
        #expect(RealtimeClientEvent.cancelResponse.json() == #"{"type":"response.cancel"}"#)
        #expect(RealtimeClientEvent.truncate(itemID: "item_1", audioEndMilliseconds: 1840).json() == #"{"audio_end_ms":1840,"content_index":0,"item_id":"item_1","type":"conversation.item.truncate"}"#)
        let output = Self.object(RealtimeClientEvent.functionCallOutput(callID: "call_1", output: #"{"ok":true}"#).json())
        #expect(output["type"] as? String == "conversation.item.create")
        #expect((output["item"] as? [String: Any])?["type"] as? String == "function_call_output")
        #expect((output["item"] as? [String: Any])?["call_id"] as? String == "call_1")
    }
}
