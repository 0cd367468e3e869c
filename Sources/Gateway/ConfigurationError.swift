/// A start-up configuration problem, phrased as the one line the user sees.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// e.g. `OPENAI_API_KEY is not set`. Never contains a secret's value.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
