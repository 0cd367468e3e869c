import Foundation
import MediaCore

/// A message the gateway sends on a bidirectional media stream.
public enum TwilioStreamCommand: Equatable, Sendable {
    /// Audio to play: μ-law 8 kHz bytes.
    case media(payload: [UInt8])
    /// Ask to be told when the audio before this point has played.
    case mark(name: String)
    /// Drop all buffered audio (and echo every pending mark).
    case clear

    /// The JSON text frame for stream `streamSid`.
    public func json(streamSid: String) -> String {
        switch self {
        case .media(let payload):
            #"{"event":"media","streamSid":\#(Self.jsonString(streamSid)),"media":{"payload":"\#(Base64.encode(payload))"}}"#
        case .mark(let name):
            #"{"event":"mark","streamSid":\#(Self.jsonString(streamSid)),"mark":{"name":\#(Self.jsonString(name))}}"#
        case .clear:
            #"{"event":"clear","streamSid":\#(Self.jsonString(streamSid))}"#
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}
