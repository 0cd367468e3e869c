#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard error, for errors and progress lines.
enum StandardError {
    /// Writes `text` as is.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, stderr) }
    }

    /// Writes `error: <message>` on one line.
    static func error(_ message: String) {
        write("error: \(message)\n")
    }

    /// Whether standard error is a terminal (progress lines only go to one).
    static var isTerminal: Bool { isatty(2) != 0 }
}
