/// Comparison of secrets (signatures, tokens) whose time does not depend on where they first differ.
public enum ConstantTime {
    /// Whether `given` equals `expected`, comparing every byte of `expected` whatever the input.
    public static func equal(_ expected: String, _ given: String) -> Bool {
        let x = Array(expected.utf8), y = Array(given.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<x.count { diff |= x[i] ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}
