import Logging

extension Logger {
    /// A logger at `warning`: the simulators' default, so tests and demos are not flooded with
    /// per-request lines.
    static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}
