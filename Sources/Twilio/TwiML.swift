/// TwiML documents the gateway hands to Twilio, built with proper XML escaping.
public enum TwiML {
    /// `<Connect><Stream url=…>` with `<Parameter>`s: Twilio opens a bidirectional
    /// media stream to `streamURL` and passes `parameters` in `start.customParameters`.
    public static func connectStream(url streamURL: String, parameters: [(name: String, value: String)]) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url=""# + escape(streamURL) + #"">"#
        for p in parameters {
            xml += #"<Parameter name=""# + escape(p.name) + #"" value=""# + escape(p.value) + #""/>"#
        }
        return xml + "</Stream></Connect></Response>"
    }

    /// `<Say language="ja-JP">text</Say><Hangup/>`: a short spoken message, then hang up.
    public static func sayAndHangUp(_ text: String, language: String = "ja-JP") -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><Response><Say language=""# + escape(language) + #"">"# + escape(text) + "</Say><Hangup/></Response>"
    }

    /// `<Reject reason="busy"/>`: the caller hears a busy signal and the call is not answered (not billed).
    public static func rejectBusy() -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>"#
    }

    /// Escapes text for an XML attribute or element. Tabs and line breaks become
    /// character references, since XML attribute normalisation would otherwise
    /// turn them into spaces and change the value Twilio hands back.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                // Other C0 controls are not allowed in XML 1.0 at all: drop them.
                if ch.value < 0x20 { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
