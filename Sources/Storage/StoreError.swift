/// Why the call-record store failed.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    /// A failure explained by `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
