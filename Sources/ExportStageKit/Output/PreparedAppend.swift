import Crypto
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole lines to append to a file, with the digest the file will have after
/// the append: the first phase of a two-phase commit for an append-mode
/// output (``OutputTransaction``); ``publish()`` appends them in one write.
public struct PreparedAppend: Sendable {
    /// The file appended to.
    public let destination: String
    /// The lines, each ended by a newline.
    public let lines: [UInt8]
    /// The size and SHA-256 of the whole file once the lines are appended.
    public let digest: FileDigest
    /// The file's size when prepared; the append checks it is unchanged.
    let sizeBefore: Int
    let permissions: mode_t

    /// Prepares appending `lines` (which must end with a newline) to `path`.
    ///
    /// The file must end with a complete line (``AppendableFile/repairTornEnd(of:now:)``
    /// makes it so); its content is hashed now, so the digest can be listed
    /// in a manifest before the append happens.
    public init(appending lines: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        precondition(lines.isEmpty || lines.last == UInt8(ascii: "\n"), "append whole lines only")
        // Before reading it: opening a FIFO to hash it would block.
        try ReplaceableOutput.check(path)
        destination = path
        self.lines = lines
        self.permissions = permissions
        var hasher = SHA256()
        let existing = try FileDigest.hash(fileAt: path, into: &hasher)
        if let last = existing?.lastByte, last != UInt8(ascii: "\n") {
            throw OutputFileError(
                path: path, message: "its last line is incomplete (a crash during an earlier write, or not a file of ours)",
                fix: "inspect the end of the file and remove the partial line, or use mode: overwrite")
        }
        let size = existing?.bytes ?? 0
        hasher.update(data: lines)
        sizeBefore = size
        digest = FileDigest(bytes: size + lines.count, sha256: hasher.finalize().hexString)
    }

    /// Appends the lines in one write and fsyncs the file. The directory is
    /// not fsynced here (a transaction syncs each directory once).
    ///
    /// Appends only to a regular file (``ReplaceableOutput``): the open
    /// follows no link and does not wait for a FIFO's reader, and what it
    /// opened is checked before a byte is written.
    public func publish() throws {
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, permissions)
        guard descriptor >= 0 else {
            let code = errno
            // ELOOP: a link; ENXIO: a FIFO nobody reads. Say what is there rather than the errno.
            try ReplaceableOutput.check(destination)
            throw OutputFileError(path: destination, operation: "open for appending", errno: code)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            try ReplaceableOutput.check(destination)
            throw OutputFileError(path: destination, message: "it is not a regular file", fix: "use the path of a regular file")
        }
        // Regular files ignore O_NONBLOCK, but the write need not carry it.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        let size = Int(lseek(descriptor, 0, SEEK_END))
        // A new file gets exactly `permissions`, like an atomically replaced one, whatever the umask.
        if size == 0 { fchmod(descriptor, permissions) }
        var offset = 0
        while offset < lines.count {
            let written = lines.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: destination, operation: "append", errno: errno)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw OutputFileError(path: destination, operation: "fsync", errno: errno) }
        guard size == sizeBefore else {
            throw OutputFileError(
                path: destination,
                message: "grew from \(sizeBefore) to \(size) bytes between this run's prepare and its append (another writer?); "
                    + "this run's lines were appended, but the manifest's digest of the file will not match",
                fix: "let only one run append to a file at a time")
        }
    }
}
