import Foundation
import MediaCore

/// An event from the model (GA names), parsed into what the bridge acts on.
/// Events it does not act on are kept as `.other(type)` and never fail the call.
public enum RealtimeServerEvent: Equatable, Sendable {
    case sessionCreated(sessionID: String)
    case sessionUpdated
    /// The callee started speaking (`audio_start_ms` into all audio appended).
    case speechStarted(audioStartMilliseconds: Int, itemID: String)
    case speechStopped(audioEndMilliseconds: Int, itemID: String)
    case responseCreated(responseID: String)
    /// Assistant audio in the session's output format.
    case audioDelta(responseID: String, itemID: String, audio: [UInt8])
    case audioDone(responseID: String, itemID: String)
    /// What the assistant said, as text.
    case assistantTranscript(itemID: String, transcript: String)
    /// What the callee said, as text.
    case calleeTranscript(itemID: String, transcript: String)
    case functionCall(callID: String, name: String, arguments: String, itemID: String, responseID: String)
    /// `status`: completed, cancelled, failed or incomplete; `reason` from `status_details`.
    case responseDone(responseID: String, status: String, reason: String?)
    case itemTruncated(itemID: String, audioEndMilliseconds: Int)
    /// `error.code` such as `session_expired`; most errors are not fatal.
    case error(type: String, code: String?, message: String, eventID: String?)
    /// Anything else, by its `type`.
    case other(type: String)

    /// Parses one text frame; throws only when it is not a JSON object with a `type`.
    public static func parse(_ text: String) throws(RealtimeProtocolError) -> RealtimeServerEvent {
        if let delta = fastAudioDelta(text) { return delta }
        return try fullParse(text)
    }

    /// The JSONSerialization path, for every event (the property tests hold the fast path to it).
    static func fullParse(_ text: String) throws(RealtimeProtocolError) -> RealtimeServerEvent {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let type = object["type"] as? String else {
            throw .malformed("not a Realtime event: \(text.prefix(80))")
        }
        func string(_ key: String, in o: [String: Any] = object) -> String { o[key] as? String ?? "" }
        func int(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? 0 }
        switch type {
        case "session.created": return .sessionCreated(sessionID: string("id", in: object["session"] as? [String: Any] ?? [:]))
        case "session.updated": return .sessionUpdated
        case "input_audio_buffer.speech_started": return .speechStarted(audioStartMilliseconds: int("audio_start_ms"), itemID: string("item_id"))
        case "input_audio_buffer.speech_stopped": return .speechStopped(audioEndMilliseconds: int("audio_end_ms"), itemID: string("item_id"))
        case "response.created": return .responseCreated(responseID: string("id", in: object["response"] as? [String: Any] ?? [:]))
        case "response.output_audio.delta":
            guard let audio = Base64.decode(string("delta")) else { throw .malformed("audio delta is not base64") }
            return .audioDelta(responseID: string("response_id"), itemID: string("item_id"), audio: audio)
        case "response.output_audio.done": return .audioDone(responseID: string("response_id"), itemID: string("item_id"))
        case "response.output_audio_transcript.done": return .assistantTranscript(itemID: string("item_id"), transcript: string("transcript"))
        case "conversation.item.input_audio_transcription.completed": return .calleeTranscript(itemID: string("item_id"), transcript: string("transcript"))
        case "response.function_call_arguments.done":
            return .functionCall(callID: string("call_id"), name: string("name"), arguments: string("arguments"), itemID: string("item_id"), responseID: string("response_id"))
        case "response.done":
            let response = object["response"] as? [String: Any] ?? [:]
            let details = response["status_details"] as? [String: Any]
            return .responseDone(responseID: string("id", in: response), status: string("status", in: response), reason: details?["reason"] as? String)
        case "conversation.item.truncated": return .itemTruncated(itemID: string("item_id"), audioEndMilliseconds: int("audio_end_ms"))
        case "error":
            let e = object["error"] as? [String: Any] ?? [:]
            return .error(type: string("type", in: e), code: e["code"] as? String, message: string("message", in: e), eventID: e["event_id"] as? String)
        default: return .other(type: type)
        }
    }
}

extension RealtimeServerEvent {
    /// The common case without JSONSerialization: an audio delta, whatever the order of its keys.
    /// Anything unusual (escapes, a missing field) takes the full parser.
    static func fastAudioDelta(_ text: String) -> RealtimeServerEvent? {
        let utf8 = Substring(text).utf8
        guard text.hasPrefix("{"), text.hasSuffix("}"),
              let type = JSONFieldScanner.string("type", in: utf8), type.elementsEqual("response.output_audio.delta".utf8),
              let response = JSONFieldScanner.string("response_id", in: utf8),
              let item = JSONFieldScanner.string("item_id", in: utf8),
              let delta = JSONFieldScanner.string("delta", in: utf8),
              let audio = Base64.decode(delta) else { return nil }
        return .audioDelta(responseID: String(Substring(response)), itemID: String(Substring(item)), audio: audio)
    }
}

/// A message from the model that could not be read.
public enum RealtimeProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed Realtime message: \(why)"
        }
    }
}
