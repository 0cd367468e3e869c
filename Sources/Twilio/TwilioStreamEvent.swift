import Foundation
import MediaCore

/// A message Twilio sends on a bidirectional media stream (`connected`, `start`,
/// `media`, `mark`, `dtmf`, `stop`), parsed and checked.
public enum TwilioStreamEvent: Equatable, Sendable {
    /// The socket is up (no stream yet).
    case connected(protocolName: String, version: String)
    /// The stream's metadata, including the TwiML `<Parameter>`s.
    case start(TwilioStreamStart)
    /// Callee audio: μ-law bytes stamped with Twilio's chunk counter and ms since the stream started.
    case media(chunk: UInt32, timestamp: UInt32, payload: [UInt8])
    /// A mark the gateway sent has been played (or cleared).
    case mark(name: String)
    /// A key press.
    case dtmf(digit: String)
    /// The stream has ended.
    case stop

    /// Parses one text frame; throws `TwilioStreamError` for anything that is not a valid message.
    public static func parse(_ text: String) throws(TwilioStreamError) -> TwilioStreamEvent {
        if let media = fastParse(text) { return media }
        return try fullParse(text)
    }

    /// The JSONDecoder path, for every message (the property tests hold the fast path to it).
    static func fullParse(_ text: String) throws(TwilioStreamError) -> TwilioStreamEvent {
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(text.utf8))
        } catch {
            throw .malformed("not a Twilio stream message: \(Self.describe(error))")
        }
        switch raw.event {
        case "connected":
            return .connected(protocolName: raw.protocol ?? "", version: raw.version ?? "")
        case "start":
            guard let s = raw.start, let streamSid = s.streamSid ?? raw.streamSid, let callSid = s.callSid else {
                throw .malformed("start without start.streamSid / start.callSid")
            }
            return .start(TwilioStreamStart(
                streamSid: streamSid, callSid: callSid, accountSid: s.accountSid ?? "",
                tracks: s.tracks ?? [], customParameters: s.customParameters ?? [:],
                encoding: s.mediaFormat?.encoding ?? "", sampleRate: s.mediaFormat?.sampleRate ?? 0, channels: s.mediaFormat?.channels ?? 0))
        case "media":
            guard let m = raw.media, let payloadText = m.payload else { throw .malformed("media without media.payload") }
            guard let chunk = UInt32(m.chunk ?? ""), let timestamp = UInt32(m.timestamp ?? "") else {
                throw .malformed("media with a non-numeric chunk or timestamp")
            }
            guard let payload = Base64.decode(payloadText) else { throw .malformed("media payload is not base64") }
            return .media(chunk: chunk, timestamp: timestamp, payload: payload)
        case "mark":
            guard let name = raw.mark?.name else { throw .malformed("mark without mark.name") }
            return .mark(name: name)
        case "dtmf":
            guard let digit = raw.dtmf?.digit else { throw .malformed("dtmf without dtmf.digit") }
            return .dtmf(digit: digit)
        case "stop":
            return .stop
        default:
            throw .unknownEvent(raw.event)
        }
    }

    /// The common cases without JSONDecoder: a well-formed `media` or `mark` message as Twilio writes it
    /// (`{"event":"media",…}`); anything else, or anything odd about it, takes the full parser.
    static func fastParse(_ text: String) -> TwilioStreamEvent? {
        guard text.hasSuffix("}") else { return nil }
        if text.hasPrefix(#"{"event":"mark","#) {
            // Marks come back once per frame sent while the assistant speaks.
            return JSONFieldScanner.string("name", in: Substring(text).utf8).map { .mark(name: String(Substring($0))) }
        }
        guard text.hasPrefix(#"{"event":"media","#) else { return nil }
        let utf8 = Substring(text).utf8
        guard let chunk = JSONFieldScanner.number("chunk", in: utf8),
              let timestamp = JSONFieldScanner.number("timestamp", in: utf8),
              let payloadText = JSONFieldScanner.string("payload", in: utf8),
              let payload = Base64.decode(payloadText) else { return nil }
        return .media(chunk: chunk, timestamp: timestamp, payload: payload)
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "missing '\(key.stringValue)'" }
        if case DecodingError.typeMismatch(_, let c) = error { return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))" }
        return "invalid JSON"
    }

    private struct Raw: Decodable {
        var event: String
        var streamSid: String?
        var `protocol`: String?
        var version: String?
        var start: Start?
        var media: Media?
        var mark: Mark?
        var dtmf: DTMF?
        struct Start: Decodable {
            var streamSid: String?
            var callSid: String?
            var accountSid: String?
            var tracks: [String]?
            var customParameters: [String: String]?
            var mediaFormat: MediaFormat?
        }
        struct MediaFormat: Decodable { var encoding: String?; var sampleRate: Int?; var channels: Int? }
        struct Media: Decodable { var chunk: String?; var timestamp: String?; var payload: String? }
        struct Mark: Decodable { var name: String? }
        struct DTMF: Decodable { var digit: String? }
    }
}

/// The `start` message of a media stream.
public struct TwilioStreamStart: Equatable, Sendable {
    public var streamSid: String
    public var callSid: String
    public var accountSid: String
    public var tracks: [String]
    /// The TwiML `<Parameter>`s.
    public var customParameters: [String: String]
    public var encoding: String
    public var sampleRate: Int
    public var channels: Int

    public init(streamSid: String, callSid: String, accountSid: String, tracks: [String], customParameters: [String: String], encoding: String, sampleRate: Int, channels: Int) {
        self.streamSid = streamSid
        self.callSid = callSid
        self.accountSid = accountSid
        self.tracks = tracks
        self.customParameters = customParameters
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Whether the media format is the only one bidirectional streams carry: μ-law, 8 kHz, mono.
    public var isMulaw8kMono: Bool { encoding == "audio/x-mulaw" && sampleRate == 8000 && channels == 1 }
}

/// Why a media-stream message was refused.
public enum TwilioStreamError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unknownEvent(String)
    case outOfOrder(String)
    case unsupportedFormat(String)
    case unauthorized(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed stream message: \(why)"
        case .unknownEvent(let name): "unknown stream event '\(name)'"
        case .outOfOrder(let why): "stream protocol violation: \(why)"
        case .unsupportedFormat(let why): "unsupported media format: \(why)"
        case .unauthorized(let why): "stream refused: \(why)"
        }
    }
}
