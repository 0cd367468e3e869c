import Foundation

/// Reads `.env` files: `KEY=value` lines, `export KEY=value`, `#` comments,
/// values optionally in single quotes (taken literally) or double quotes
/// (with `\n`, `\"` and `\\` escapes); unquoted values end at ` #`.
public enum DotEnv {
    /// The variables of `text`, in order; malformed lines are skipped.
    public static func parse(_ text: String) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).trimmingWhitespace() }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { continue }
            var value = line[line.index(after: eq)...].trimmingWhitespace()
            if value.hasPrefix("'"), let end = value.dropFirst().firstIndex(of: "'") {
                value = value[value.index(after: value.startIndex)..<end]
            } else if value.hasPrefix("\"") {
                var result = ""
                var escaped = false
                for ch in value.dropFirst() {
                    if escaped {
                        result.append(ch == "n" ? "\n" : ch == "t" ? "\t" : ch)
                        escaped = false
                    } else if ch == "\\" {
                        escaped = true
                    } else if ch == "\"" {
                        break
                    } else {
                        result.append(ch)
                    }
                }
                out.append((String(key), result))
                continue
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingWhitespace()
            }
            out.append((String(key), String(value)))
        }
        return out
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
