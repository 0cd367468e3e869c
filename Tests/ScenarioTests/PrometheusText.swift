/// A scrape in Prometheus' text format, read strictly enough that a malformed line fails the test:
/// `# HELP`/`# TYPE` comments, and `name{label="value",…} number` samples.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    private(set) var samples: [Sample] = []
    /// Lines that are neither a comment nor a well-formed sample.
    private(set) var malformed: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.isEmpty && !line.hasPrefix("#") {
            if let sample = Self.parse(line) { samples.append(sample) } else { malformed.append(String(line)) }
        }
    }

    /// The value of `name` with exactly `labels`, if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    private static func parse(_ line: Substring) -> Sample? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return series.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? Sample(name: String(series), labels: [:], value: value) : nil
        }
        guard series.hasSuffix("}") else { return nil }
        var labels: [String: String] = [:]
        for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[1].hasPrefix("\""), kv[1].hasSuffix("\""), kv[1].count >= 2 else { return nil }
            labels[String(kv[0])] = String(kv[1].dropFirst().dropLast())
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }
}
