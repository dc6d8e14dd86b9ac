#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stage's whole output for standard output (`path: -`), waiting for the
/// run's commit (``OutputTransaction``), where ``publish()`` writes it.
///
/// Standard output cannot be replaced atomically, so the next best: nothing
/// reaches it before the commit, and then everything in one go, so a run
/// that fails or is killed before its commit has printed nothing, and a
/// reader never sees half a run next to output of another stage.
public struct PreparedStandardOutput: Sendable {
    /// What ``OutputTransaction/Failure/path`` and logs call the destination.
    public static let destination = "standard output"

    /// The bytes to write.
    public let bytes: [UInt8]

    /// The output of a stage, to be written at the commit.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Writes the bytes to file descriptor 1, all of them (a pipe takes a
    /// large write in pieces), after flushing what C's stdio may hold so
    /// nothing printed earlier lands after them.
    ///
    /// A reader that is gone (`| head` that has read enough) fails the write
    /// with `EPIPE` instead of killing the process with SIGPIPE in the middle
    /// of the commit: the other outputs are still renamed and the run ends
    /// with the stage failed. SIGPIPE is blocked for this thread during the
    /// write only (not ignored process-wide, which commands the `exec` stage
    /// starts would inherit), and one the write raised is taken back before
    /// the mask is restored.
    public func publish() throws {
        fflush(nil)
        var brokenPipe = sigset_t()
        sigemptyset(&brokenPipe)
        sigaddset(&brokenPipe, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &brokenPipe, &previous)
        defer {
            if sigismember(&previous, SIGPIPE) == 0 {
                var pending = sigset_t()
                if sigpending(&pending) == 0, sigismember(&pending, SIGPIPE) == 1 {
                    var now = timespec(tv_sec: 0, tv_nsec: 0)
                    _ = sigtimedwait(&brokenPipe, nil, &now)
                }
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        try writeAll()
    }

    private func writeAll() throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { systemWrite(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    // A non-blocking stdout (some supervisors hand one over): wait until it drains.
                    var descriptor = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&descriptor, 1, -1)
                    continue
                }
                throw OutputFileError(path: Self.destination, operation: "write", errno: code)
            }
            offset += written
        }
    }
}
