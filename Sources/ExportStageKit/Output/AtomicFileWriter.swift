import Crypto
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file so that readers see the old content or the new, never a torn
/// one: bytes go to a temp file in the same directory, which is fsynced and
/// renamed over the destination, and the directory is fsynced too.
///
/// Stream with ``write(_:)`` and finish with ``commit()`` (or ``prepare()``,
/// for a run's two-phase commit); a writer that is dropped without either
/// removes its temp file and leaves the destination untouched. Not
/// thread-safe: one writer belongs to one stage.
///
/// The temp file is named `.NAME.tmp-PID-RANDOM` and held under an exclusive
/// `flock` until it is renamed or removed, so ``StaleTemporaryFiles`` can tell
/// the leftovers of a killed writer from a live writer's files.
public final class AtomicFileWriter {
    /// The final path.
    public let destination: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var hasher = SHA256()
    private var byteCount = 0
    private var isFinished = false

    /// Opens a temp file beside `destination` (whose directory must exist).
    ///
    /// - Parameter permissions: the mode of the new file, applied exactly
    ///   (not filtered by the umask), because readers such as node_exporter
    ///   run as other users.
    public init(destination: String, permissions: mode_t = 0o644) throws {
        self.destination = destination
        let directory = FilePath.directory(of: destination)
        let name = FilePath.lastComponent(of: destination)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = directory + "/." + name + ".tmp-" + String(getpid()) + "-" + suffix
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else {
            throw OutputFileError(path: destination, operation: "create a temporary file in \(directory)", errno: errno)
        }
        guard fchmod(descriptor, permissions) == 0 else {
            let code = errno
            close(descriptor)
            unlink(temporaryPath)
            throw OutputFileError(path: destination, operation: "set permissions", errno: code)
        }
        // Nobody else has the new name yet, so this cannot block; where the file
        // system has no flock, the sweeper falls back to the pid in the name.
        _ = flock(descriptor, LOCK_EX | LOCK_NB)
        LiveTemporaryFiles.insert(temporaryPath)
    }

    deinit {
        if !isFinished { discard() }
    }

    /// Appends bytes to the new content.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!isFinished, "write after commit")
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: destination, operation: "write", errno: errno)
            }
            offset += written
        }
        hasher.update(bufferPointer: bytes)
        byteCount += bytes.count
    }

    /// Appends bytes to the new content.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (buffer) in try write(buffer) }
    }

    /// Appends the UTF-8 bytes of `string` to the new content.
    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { (buffer) in try write(UnsafeRawBufferPointer(buffer)) }
    }

    /// Makes the new content durable and visible at ``destination``.
    @discardableResult
    public func commit() throws -> FileDigest {
        let prepared = try prepare()
        try prepared.publish()
        AtomicFileWriter.syncDirectory(of: destination)
        return prepared.digest
    }

    /// Makes the new content durable under its temp name, for a rename later
    /// (the first phase of a two-phase commit): after this the writer is done,
    /// and the returned file owns the temp file.
    public func prepare() throws -> PreparedFile {
        precondition(!isFinished, "commit or prepare twice")
        isFinished = true
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            unlink(temporaryPath)
            LiveTemporaryFiles.remove(temporaryPath)
            throw OutputFileError(path: destination, operation: "fsync", errno: code)
        }
        return PreparedFile(
            destination: destination, temporaryPath: temporaryPath, descriptor: descriptor,
            digest: FileDigest(bytes: byteCount, sha256: hasher.finalize().hexString))
    }

    /// Drops the new content; the destination stays as it was.
    public func discard() {
        guard !isFinished else { return }
        isFinished = true
        close(descriptor)
        unlink(temporaryPath)
        LiveTemporaryFiles.remove(temporaryPath)
    }

    /// Replaces `destination` with `bytes` atomically.
    @discardableResult
    public static func write(_ bytes: [UInt8], to destination: String, permissions: mode_t = 0o644) throws -> FileDigest {
        let writer = try AtomicFileWriter(destination: destination, permissions: permissions)
        try writer.write(bytes)
        return try writer.commit()
    }

    /// Replaces `destination` with the UTF-8 bytes of `string` atomically.
    @discardableResult
    public static func write(_ string: String, to destination: String, permissions: mode_t = 0o644) throws -> FileDigest {
        try write(Array(string.utf8), to: destination, permissions: permissions)
    }

    /// Makes a rename durable: without this, a power cut can undo it.
    public static func syncDirectory(of path: String) {
        let directory = open(FilePath.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        fsync(directory)
        close(directory)
    }
}
