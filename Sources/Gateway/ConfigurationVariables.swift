import Foundation

/// Typed reads of the merged environment, each failure naming the variable and what it must be.
struct ConfigurationVariables {
    let env: [String: String]

    /// The trimmed value, nil when unset or blank.
    func value(_ name: String) -> String? {
        guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    func required(_ name: String) throws(ConfigurationError) -> String {
        guard let v = value(name) else { throw ConfigurationError("\(name) is not set") }
        return v
    }

    func integer(_ name: String, default d: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = value(name) else { return d }
        guard let n = Int(text), range.contains(n) else {
            throw ConfigurationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return n
    }

    func flag(_ name: String, default d: Bool) throws(ConfigurationError) -> Bool {
        switch value(name)?.lowercased() {
        case nil: return d
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        case let other?: throw ConfigurationError("\(name) must be true or false, not '\(other)'")
        }
    }
}
