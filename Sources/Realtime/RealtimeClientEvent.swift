import Foundation
import MediaCore

/// An event the gateway sends to the model (GA names).
public enum RealtimeClientEvent: Sendable {
    case sessionUpdate(RealtimeSessionConfiguration)
    /// Callee audio in the session's input format.
    case appendAudio([UInt8])
    /// Ask for a response (after the previous `response.done`).
    case createResponse
    case cancelResponse
    /// Cut an assistant item at what the callee actually heard.
    case truncate(itemID: String, audioEndMilliseconds: Int)
    /// The result of a function call (always sent, errors included).
    case functionCallOutput(callID: String, output: String)

    /// The prefix of every `input_audio_buffer.append` this client sends (base64 needs no escaping).
    public static let appendPrefix = #"{"type":"input_audio_buffer.append","audio":""#

    /// The JSON text frame.
    public func json() -> String {
        let object: [String: Any]
        switch self {
        case .appendAudio(let bytes):
            // The hot path (50 per second per call): built directly, not through JSONSerialization.
            return Self.appendPrefix + Base64.encode(bytes) + #""}"#
        case .sessionUpdate(let c): object = ["type": "session.update", "session": c.sessionObject]
        case .createResponse: object = ["type": "response.create"]
        case .cancelResponse: object = ["type": "response.cancel"]
        case .truncate(let item, let ms): object = ["type": "conversation.item.truncate", "item_id": item, "content_index": 0, "audio_end_ms": ms]
        case .functionCallOutput(let callID, let output):
            object = ["type": "conversation.item.create", "item": ["type": "function_call_output", "call_id": callID, "output": output]]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
