/// Standard base64 (RFC 4648, with padding) for media payloads: encodes into a `String` with one
/// allocation and decodes straight into bytes, without the round trips through `Data` that
/// Foundation's coder takes. Used on every 20 ms frame of every call, both ways.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// 0–63 for alphabet bytes, 64 for `=`, 255 for anything else.
    private static let values: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "="))] = 64
        return t
    }()

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = (bytes.count + 2) / 3 * 4
        return String(unsafeUninitializedCapacity: count) { out in
            alphabet.withUnsafeBufferPointer { a in
                var i = 0, o = 0
                while i + 3 <= bytes.count {
                    let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]; out[o + 2] = a[Int(v >> 6 & 63)]; out[o + 3] = a[Int(v & 63)]
                    i += 3; o += 4
                }
                let rest = bytes.count - i
                if rest > 0 {
                    let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]
                    out[o + 2] = rest == 2 ? a[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                }
            }
            return count
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { encode($0) } }

    /// Decodes base64 text (padding optional; no whitespace); nil for anything else.
    public static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        var input = text
        while input.last == UInt8(ascii: "=") { input = input.dropLast() }
        let n = input.count
        guard n % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(n * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        let ok = values.withUnsafeBufferPointer { t -> Bool in
            for c in input {
                let v = t[Int(c)]
                guard v < 64 else { return false }
                acc = acc << 6 | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                }
            }
            return true
        }
        return ok ? out : nil
    }

    /// Decodes base64 text; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? { decode(Substring(text).utf8) }
}
