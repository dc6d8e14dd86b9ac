public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends whole lines to a file: one `write` of complete lines, then fsync.
///
/// A file whose last byte is not a newline was torn by an earlier crash or is
/// not ours; appending to it would glue two records together, so it is refused.
public enum AppendableFile {
    /// The content of the file's first line (without the newline), or `nil`
    /// when the file does not exist or is empty.
    public static func firstLine(of path: String, limit: Int = 1 << 20) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if access(path, F_OK) != 0 { return nil }
            throw OutputFileError(path: path, operation: "open for reading", errno: EACCES)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? nil
        guard let data, !data.isEmpty else { return nil }
        let line = data.prefix { $0 != UInt8(ascii: "\n") }
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// Appends `lines` (which must end with a newline) in one write.
    ///
    /// - Returns: the digest of the whole file after the append.
    @discardableResult
    public static func append(_ lines: [UInt8], to path: String, permissions: mode_t = 0o644) throws -> FileDigest {
        precondition(lines.isEmpty || lines.last == UInt8(ascii: "\n"), "append whole lines only")
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw OutputFileError(path: path, operation: "open for appending", errno: errno) }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        // A new file gets exactly `permissions`, like an atomically replaced one, whatever the umask.
        if size == 0 { fchmod(descriptor, permissions) }
        if size > 0 {
            var last: UInt8 = 0
            guard pread(descriptor, &last, 1, size - 1) == 1 else {
                throw OutputFileError(path: path, operation: "read the last byte", errno: errno)
            }
            guard last == UInt8(ascii: "\n") else {
                throw OutputFileError(
                    path: path,
                    message: "its last line is incomplete (a crash during an earlier write, or not a file of ours)",
                    fix: "inspect the end of the file and remove the partial line, or use mode: overwrite"
                )
            }
        }
        var offset = 0
        while offset < lines.count {
            let written = lines.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: path, operation: "append", errno: errno)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw OutputFileError(path: path, operation: "fsync", errno: errno) }
        if size <= 0 { AtomicFileWriter.syncDirectory(of: path) }
        return try FileDigest.ofFile(at: path)
    }
}
