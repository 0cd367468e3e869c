import CAnpiMedia

/// An error from the C media core, with the code it returned and what was being done.
public struct MediaCoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The `ANPI_ERR_*` code returned by the C core.
    public let code: Int32
    /// What the caller was doing, e.g. "creating a 8000→24000 Hz resampler".
    public let operation: String

    /// `ANPI_ERR_SPACE`: a queue is full (back-pressure, not a fault).
    public static let spaceCode = Int32(ANPI_ERR_SPACE)

    /// Wraps a C return code.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    public var description: String {
        "\(operation): \(String(cString: anpi_strerror(code)))"
    }

    /// Throws when `code` is negative (an `ANPI_ERR_*`), returns it otherwise.
    @discardableResult
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(MediaCoreError) -> Int32 {
        if code < 0 { throw MediaCoreError(code: code, operation: operation()) }
        return code
    }
}
