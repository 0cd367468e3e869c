/// Why an audio conversion could not be done, phrased for the person who asked for it.
public struct AudioConvertError: Error, Equatable, CustomStringConvertible, Sendable {
    /// One line that says what is wrong and, where it helps, what to do.
    public let message: String

    /// An error with a user-facing message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
