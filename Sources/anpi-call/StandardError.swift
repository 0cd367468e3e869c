#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to file descriptor 2 (no shared `FILE*`, so no data race), for errors and progress lines.
enum StandardError {
    /// Writes `text` as is.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = writeFD(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// Writes `error: <message>` on one line.
    static func error(_ message: String) {
        write("error: \(message)\n")
    }

    /// Whether standard error is a terminal (progress lines only go to one).
    static var isTerminal: Bool { isatty(2) != 0 }
}

#if canImport(Glibc)
private let writeFD = Glibc.write
#elseif canImport(Darwin)
private let writeFD = Darwin.write
#endif
