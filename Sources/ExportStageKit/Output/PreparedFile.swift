import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A replacement file written and fsynced under its temp name, waiting for the
/// rename that makes it visible: the first phase of a run's two-phase commit
/// (``OutputTransaction``).
///
/// The temp file stays open, and `flock`ed, until it is renamed or removed:
/// the lock is how a later run tells a dead writer's temp file (unlocked,
/// safe to remove) from a live one's (``StaleTemporaryFiles``).
public final class PreparedFile: Sendable {
    /// The final path.
    public let destination: String
    /// The size and SHA-256 the file has once renamed.
    public let digest: FileDigest
    /// The temp file beside ``destination``.
    public let temporaryPath: String
    /// -1 once published or discarded.
    private let descriptor: Mutex<Int32>

    init(destination: String, temporaryPath: String, descriptor: Int32, digest: FileDigest) {
        self.destination = destination
        self.temporaryPath = temporaryPath
        self.descriptor = Mutex(descriptor)
        self.digest = digest
    }

    deinit {
        discard()
    }

    /// Renames the temp file over ``destination``. The directory is not
    /// fsynced here: a transaction syncs each directory once, after its renames.
    ///
    /// Refuses, and removes the temp file, when ``destination`` has become
    /// anything but a regular file since the stage was built
    /// (``ReplaceableOutput``): the rename would replace a link, a device or
    /// a FIFO instead of writing a file.
    public func publish() throws {
        try descriptor.withLock { descriptor in
            precondition(descriptor >= 0, "publish after publish or discard")
            defer {
                close(descriptor)
                descriptor = -1
                LiveTemporaryFiles.remove(temporaryPath)
            }
            do {
                try ReplaceableOutput.check(destination)
            } catch {
                unlink(temporaryPath)
                throw error
            }
            guard rename(temporaryPath, destination) == 0 else {
                let code = errno
                unlink(temporaryPath)
                throw OutputFileError(path: destination, operation: "rename the temporary file over", errno: code)
            }
        }
    }

    /// Removes the temp file; the destination stays as it was.
    public func discard() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            unlink(temporaryPath)
            close(descriptor)
            descriptor = -1
            LiveTemporaryFiles.remove(temporaryPath)
        }
    }
}
