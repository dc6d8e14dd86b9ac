import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds and removes what killed runs left behind: the temp files of
/// ``AtomicFileWriter``s beside a run's outputs, and unfinished downloads and
/// extractions in its download directory.
///
/// Every such name is hidden and carries its writer's pid: `.NAME.tmp-PID-RANDOM`
/// (and `.NAME.old-PID-RANDOM` for an extraction moved aside). A file is
/// stale when its writer is gone: a writer's temp file is `flock`ed by it from
/// creation to rename, so one that can be locked has no live writer (the pid
/// and the age only guard the instant between its creation and its lock); a
/// download or extraction, which holds no lock, is stale when its pid is not
/// a live process. A live concurrent writer's files are always left alone.
public enum StaleTemporaryFiles {
    /// How old an unlocked temp file of a live pid must be to count as stale
    /// (the pid may have been reused, in a container most often pid 1).
    static let unlockedAge: TimeInterval = 60

    /// Removes the stale temp files of `outputs` (final paths): returns the paths removed.
    @discardableResult
    public static func sweep(besides outputs: [String]) -> [String] {
        var removed: [String] = []
        var seen = Set<String>()
        for output in outputs where seen.insert(output).inserted {
            let directory = FilePath.directory(of: output)
            let prefix = "." + FilePath.lastComponent(of: output) + ".tmp-"
            for name in names(in: directory) where name.hasPrefix(prefix) {
                let path = directory + "/" + name
                if let pid = processID(inHiddenName: name), isStaleLockedFile(path, writer: pid) {
                    if unlink(path) == 0 { removed.append(path) }
                }
            }
        }
        return removed
    }

    /// Removes the unfinished downloads (`.hss-export-download.tmp-PID-…`) and
    /// extraction folders (`.NAME.tmp-PID-…`, `.NAME.old-PID-…`) of dead
    /// processes in `directory`: returns the paths removed.
    @discardableResult
    public static func sweepDownloads(in directory: String) -> [String] {
        var removed: [String] = []
        for name in names(in: directory) where name.hasPrefix(".") {
            guard let pid = processID(inHiddenName: name), !isLive(pid) else { continue }
            let path = directory + "/" + name
            var status = stat()
            guard !LiveTemporaryFiles.current.contains(path), lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                guard name.hasPrefix(downloadPrefix) else { continue }
                if unlink(path) == 0 { removed.append(path) }
            case S_IFDIR:
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
            default:
                continue
            }
        }
        return removed
    }

    /// The prefix of a download's temp file, before its pid.
    public static let downloadPrefix = ".hss-export-download.tmp-"

    /// A fresh name for a download's temp file, recognisable by ``sweepDownloads(in:)``.
    public static func downloadTemporaryName() -> String {
        downloadPrefix + String(getpid()) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    private static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// The pid in a hidden `….tmp-PID-RANDOM` or `….old-PID-RANDOM` name.
    static func processID(inHiddenName name: String) -> pid_t? {
        for role in [".tmp-", ".old-"] {
            guard let range = name.range(of: role, options: .backwards) else { continue }
            let rest = name[range.upperBound...]
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            return pid
        }
        return nil
    }

    /// Whether `pid` is a process right now (another user's counts too).
    static func isLive(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Whether the regular file at `path` has no writer: it can be locked,
    /// and its pid is gone (or the file is older than a writer's first instant).
    static func isStaleLockedFile(_ path: String, writer pid: pid_t) -> Bool {
        if LiveTemporaryFiles.current.contains(path) { return false }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
        if !isLive(pid) { return true }
        #if canImport(Darwin)
            let modified = status.st_mtimespec.tv_sec
        #else
            let modified = status.st_mtim.tv_sec
        #endif
        let age = Date().timeIntervalSince1970 - TimeInterval(modified)
        return age > unlockedAge
    }
}
