#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C stdio file: buffered reads and writes into caller-owned memory, no Foundation.
final class CFile {
    private var handle: UnsafeMutablePointer<FILE>?
    /// The path it was opened with, for messages.
    let path: String

    /// Opens `path` with an fopen mode ("rb", "wb").
    init(path: String, mode: String) throws {
        guard let handle = fopen(path, mode) else {
            let reason = String(cString: strerror(errno))
            throw AudioConvertError("cannot open \(path): \(reason)")
        }
        self.handle = handle
        self.path = path
    }

    deinit { if let handle { fclose(handle) } }

    /// The file's size in bytes (seeks; for files opened for reading).
    func size() throws -> Int {
        guard let handle else { return 0 }
        let here = ftello(handle)
        guard fseeko(handle, 0, SEEK_END) == 0 else { throw AudioConvertError("cannot seek in \(path)") }
        let end = ftello(handle)
        _ = fseeko(handle, here, SEEK_SET)
        return Int(end)
    }

    /// Moves to `offset` bytes from the start.
    func seek(to offset: Int) throws {
        guard let handle, fseeko(handle, off_t(offset), SEEK_SET) == 0 else {
            throw AudioConvertError("cannot seek in \(path)")
        }
    }

    /// Reads up to `buffer.count` bytes; returns how many were read (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let handle, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let n = fread(base, 1, buffer.count, handle)
        if n < buffer.count && ferror(handle) != 0 {
            throw AudioConvertError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return n
    }

    /// Reads exactly `count` bytes or returns nil at the end of the file.
    func readExactly(_ count: Int) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { raw in try read(into: raw) }
        return n == count ? bytes : nil
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let handle, let base = bytes.baseAddress, bytes.count > 0 else { return }
        if fwrite(base, 1, bytes.count, handle) != bytes.count {
            throw AudioConvertError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes and closes; reports a failed flush (a full disk shows up here).
    func close() throws {
        guard let handle else { return }
        self.handle = nil
        if fclose(handle) != 0 {
            throw AudioConvertError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
