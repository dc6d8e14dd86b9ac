import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for positioned reads; closed when dropped.
final class ArchiveFile {
    let path: String
    let size: UInt64
    private let descriptor: Int32

    init(path: String) throws(ArchiveError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(path, "open", errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw Self.error(path, "examine", code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ArchiveError(path: path, kind: .fileSystem(operation: "read", path: path, message: "not a regular file"))
        }
        size = UInt64(status.st_size)
    }

    deinit { close(descriptor) }

    /// Exactly `count` bytes at `offset`, or an error saying the file ends before them.
    func bytes(at offset: UInt64, count: Int, what: String) throws(ArchiveError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard offset <= size, UInt64(count) <= size - offset else {
            throw ArchiveError(path: path, kind: .corrupt(reason: "\(what) at offset \(offset) runs past the end of the file (\(size) bytes)"))
        }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw Self.error(path, "read", errno)
            }
            if result == 0 {
                throw ArchiveError(path: path, kind: .corrupt(reason: "the file ended while reading \(what) (was it changed while being read?)"))
            }
            done += result
        }
        return buffer
    }

    private static func error(_ path: String, _ operation: String, _ code: Int32) -> ArchiveError {
        ArchiveError(path: path, kind: .fileSystem(operation: operation, path: path, message: String(cString: strerror(code))))
    }
}

extension [UInt8] {
    /// The little-endian integer at `offset`.
    func little<T: FixedWidthInteger & UnsignedInteger>(_ offset: Int, as type: T.Type = T.self) -> T {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) {
            value |= T(self[offset + index]) << (8 * index)
        }
        return value
    }
}
