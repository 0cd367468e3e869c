/// Finds the string value of a key in a JSON text without parsing the whole document: the fast path
/// for the one message that arrives 50 times a second per call (`media`). Values with escapes are not
/// handled (nil), so callers fall back to a full parser for anything unusual.
public enum JSONFieldScanner {
    /// The bytes of the string value of `"key":"…"` (no spaces around the colon), if present and unescaped.
    public static func string(_ key: StaticString, in text: Substring.UTF8View) -> Substring.UTF8View? {
        let pattern = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var i = text.startIndex
        let end = text.endIndex
        while i < end {
            // Find `"key":"`.
            guard let quote = text[i...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            var j = text.index(after: quote)
            var k = 0
            while k < pattern.count, j < end, text[j] == pattern[k] {
                j = text.index(after: j)
                k += 1
            }
            if k == pattern.count, j < end, text[j] == UInt8(ascii: "\"") {
                let colon = text.index(after: j)
                if colon < end, text[colon] == UInt8(ascii: ":") {
                    let open = text.index(after: colon)
                    guard open < end, text[open] == UInt8(ascii: "\"") else { return nil }
                    let valueStart = text.index(after: open)
                    guard let close = text[valueStart...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
                          text[close] == UInt8(ascii: "\"") else { return nil }
                    return text[valueStart..<close]
                }
            }
            i = text.index(after: quote)
        }
        return nil
    }

    /// A decimal string value as a number.
    public static func number(_ key: StaticString, in text: Substring.UTF8View) -> UInt32? {
        guard let digits = string(key, in: text), !digits.isEmpty, digits.count <= 10 else { return nil }
        var v: UInt64 = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + UInt64(d - UInt8(ascii: "0"))
        }
        return v <= UInt64(UInt32.max) ? UInt32(v) : nil
    }
}
