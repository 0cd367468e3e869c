import Foundation

extension SimulatedCall {
    /// The `url` of the `<Stream>` in the TwiML in force (XML entities decoded), if there is one:
    /// where a simulated callee connects its media stream.
    public var streamURL: String? {
        guard let twiml, let stream = Self.element("Stream", in: twiml) else { return nil }
        return Self.attribute("url", in: stream)
    }

    /// The `<Parameter name=… value=…>` pairs inside the `<Stream>`, in order: Twilio hands them to
    /// the media stream's `start.customParameters`.
    public var streamParameters: [(name: String, value: String)] {
        guard let twiml else { return [] }
        var out: [(name: String, value: String)] = []
        var rest = twiml[...]
        while let range = rest.range(of: "<Parameter") {
            let tail = rest[range.upperBound...]
            guard let close = tail.firstIndex(of: ">") else { break }
            let tag = tail[..<close]
            if let name = Self.attribute("name", in: tag), let value = Self.attribute("value", in: tag) {
                out.append((name, value))
            }
            rest = tail[close...]
        }
        return out
    }

    /// Whether the TwiML in force connects a media stream (otherwise the call plays it and ends).
    var connectsStream: Bool {
        twiml.map { $0.contains("<Connect") || $0.contains("<Stream") } ?? (url != nil)
    }

    static func element(_ name: String, in xml: String) -> Substring? {
        guard let start = xml.range(of: "<" + name) else { return nil }
        let tail = xml[start.upperBound...]
        guard let close = tail.firstIndex(of: ">") else { return nil }
        return tail[..<close]
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        for quote in ["\"", "'"] {
            if let start = tag.range(of: " " + name + "=" + quote) {
                let tail = tag[start.upperBound...]
                guard let end = tail.firstIndex(of: Character(quote)) else { return nil }
                return unescape(tail[..<end])
            }
        }
        return nil
    }

    /// Decodes the five XML entities and numeric character references.
    static func unescape(_ text: Substring) -> String {
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[amp...]
            guard let semi = tail.firstIndex(of: ";") else {
                rest = tail
                break
            }
            let entity = tail[tail.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let scalar, let s = Unicode.Scalar(scalar) { out.unicodeScalars.append(s) } else { out += "&" + entity + ";" }
            }
            rest = tail[tail.index(after: semi)...]
        }
        return out + rest
    }
}
