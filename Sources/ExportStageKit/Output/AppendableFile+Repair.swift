public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension AppendableFile {
    /// What ``repairTornEnd(of:now:)`` did to a file whose last line was incomplete.
    public struct TornEndRepair: Sendable, Equatable {
        /// The file that was repaired.
        public var path: String
        /// Where the bytes after its last complete line were kept.
        public var tornCopy: String
        /// How many bytes were moved there.
        public var tornBytes: Int
        /// The file's size after the repair.
        public var keptBytes: Int

        /// The warning a run logs about it.
        public var warning: String {
            "\(path): its last line was incomplete (an earlier run was killed while appending, or another program wrote to it); "
                + "truncated it to its last complete line (\(keptBytes) bytes) and kept the \(tornBytes) torn bytes in \(tornCopy)"
        }
    }

    /// Makes a file that a crash left with a partial last line appendable
    /// again: the bytes after the last newline are copied to
    /// `NAME.torn-TIMESTAMP` beside it (atomically, fsynced), and only then is
    /// the file truncated to its last complete line and fsynced.
    ///
    /// - Returns: what was done, or `nil` when the file is missing, empty, or
    ///   ends with a newline.
    @discardableResult
    public static func repairTornEnd(of path: String, now: Date = Date()) throws -> TornEndRepair? {
        // A device or FIFO has no end to repair, and truncating one is not ours to do.
        try ReplaceableOutput.check(path)
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw OutputFileError(path: path, operation: "open for appending", errno: errno)
        }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return nil }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, size - 1) == 1 else {
            throw OutputFileError(path: path, operation: "read the last byte", errno: errno)
        }
        guard last != UInt8(ascii: "\n") else { return nil }
        let keep = try lengthThroughLastNewline(descriptor, size: size, path: path)
        let torn = try readBytes(descriptor, from: keep, to: size, path: path)
        let stamp = RFC3339.format(now).filter { $0.isNumber }.prefix(17)
        var copy = path + ".torn-" + stamp
        var attempt = 1
        while access(copy, F_OK) == 0 {
            attempt += 1
            copy = path + ".torn-" + stamp + "-\(attempt)"
        }
        try AtomicFileWriter.write(torn, to: copy, permissions: 0o600)
        guard ftruncate(descriptor, keep) == 0 else { throw OutputFileError(path: path, operation: "truncate the torn last line", errno: errno) }
        guard fsync(descriptor) == 0 else { throw OutputFileError(path: path, operation: "fsync", errno: errno) }
        return TornEndRepair(path: path, tornCopy: copy, tornBytes: torn.count, keptBytes: Int(keep))
    }

    /// The offset just past the file's last newline (0 when it has none),
    /// read backwards in blocks so a long torn line costs no memory.
    private static func lengthThroughLastNewline(_ descriptor: Int32, size: off_t, path: String) throws -> off_t {
        let blockSize = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var end = size
        while end > 0 {
            let start = max(0, end - off_t(blockSize))
            let count = Int(end - start)
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, start) }
            guard read == count else { throw OutputFileError(path: path, operation: "read", errno: errno) }
            if let index = buffer[0..<count].lastIndex(of: UInt8(ascii: "\n")) { return start + off_t(index) + 1 }
            end = start
        }
        return 0
    }

    private static func readBytes(_ descriptor: Int32, from start: off_t, to end: off_t, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(end - start))
        var offset = 0
        while offset < bytes.count {
            let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + offset, $0.count - offset, start + off_t(offset)) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { throw OutputFileError(path: path, operation: "read", errno: errno) }
            offset += read
        }
        return bytes
    }
}
