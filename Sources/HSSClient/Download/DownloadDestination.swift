#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The local file a download streams into: created new (`O_CREAT | O_EXCL`, mode 0600,
/// so an existing file is never overwritten and nobody else can read the export),
/// written in order, synced to disk, and removed again when the download fails.
final class DownloadDestination {
    /// A system call on the file failed.
    struct SystemCallError: Error {
        var operation: String
        var errno: Int32
    }

    let path: String
    private var descriptor: Int32

    /// Creates `path`; it must not exist yet.
    init(creating path: String) throws(SystemCallError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallError(operation: "create", errno: errno) }
        self.path = path
        self.descriptor = descriptor
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Darwin)
                let written = Darwin.write(descriptor, base, remaining)
            #elseif canImport(Musl)
                let written = Musl.write(descriptor, base, remaining)
            #else
                let written = Glibc.write(descriptor, base, remaining)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(operation: "write", errno: errno)
            }
            remaining -= written
            base += written
        }
    }

    /// Flushes the file to disk and closes it: after this the caller may rename it into place.
    func commit() throws(SystemCallError) {
        guard fsync(descriptor) == 0 else { throw SystemCallError(operation: "fsync", errno: errno) }
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else { throw SystemCallError(operation: "close", errno: errno) }
    }

    /// Closes the file if it is open and removes it: nothing of a failed download stays.
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(path)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
