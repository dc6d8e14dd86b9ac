import ExportStageKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An exclusive lock on a pipeline's state folder, held for the whole run,
/// so a second run of the same pipeline (a cron job that overran) cannot
/// overlap the first. An `flock`: the kernel drops it when the process dies,
/// `kill -9` included, so a stale lock never blocks the next run.
public final class StateLock: Sendable {
    private let descriptor: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock without waiting.
    ///
    /// - Throws: ``StateLockError`` when another process holds it, or the
    ///   folder cannot be created.
    public init(directory: StateDirectory, runID: String) throws {
        path = directory.lockPath
        do {
            try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateLockError(kind: .unusable("\(error)"), path: directory.path)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StateLockError(kind: .unusable(String(cString: strerror(errno))), path: path)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var holder = [UInt8](repeating: 0, count: 512)
            let count = pread(descriptor, &holder, holder.count, 0)
            close(descriptor)
            if code == EWOULDBLOCK {
                let text = String(decoding: holder.prefix(max(count, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw StateLockError(kind: .held(holder: text), path: path)
            }
            throw StateLockError(kind: .unusable(String(cString: strerror(code))), path: path)
        }
        self.descriptor = descriptor
        let holder = "pid \(getpid()), run \(runID), since \(RFC3339.format(Date()))\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        close(descriptor)
    }
}

/// The state folder is locked by another run, or cannot be used.
public struct StateLockError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// Another process holds the lock; its note says which.
        case held(holder: String)
        /// The folder or the lock file cannot be created or opened.
        case unusable(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// The lock file or folder.
    public var path: String

    public var description: String {
        switch kind {
        case .held(let holder):
            let who = holder.isEmpty ? "another run" : "another run (\(holder))"
            return "\(who) of this pipeline holds the lock \(path); it is still running, so this run stops without changing anything. "
                + "Wait for it to finish, or space the schedule further apart"
        case .unusable(let detail):
            return
                "cannot use the state directory \(path): \(detail). Set state.dir in the pipeline file or HSS_EXPORT_STATE_DIR to a writable directory"
        }
    }
}
