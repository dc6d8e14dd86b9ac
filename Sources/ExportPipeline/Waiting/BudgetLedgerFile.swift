import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One ledger file, opened for one locked read-modify-write: its own file
/// descriptor (so `flock` excludes every other opener, in this process or
/// another), rewritten in place and fsynced (a rename would leave the lock on
/// the old inode), closed when done.
struct BudgetLedgerFile: ~Copyable {
    static let header = "# hss-export host budget v1: sent_ms answered_ms|- pid id"
    /// Beyond this the file is not a ledger any more (a ledger holds about `limit` lines).
    static let maximumBytes = 1 << 20

    let path: String
    private let descriptor: Int32

    /// Opens (creating it 0600) `path`, refusing a symbolic link; the directory
    /// (0700, this user's) keeps anything else out.
    init(path: String) throws(HostBudgetError) {
        // O_NONBLOCK: a FIFO planted in its place fails its first read instead of hanging.
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else { throw HostBudgetError(path: path, kind: .system(operation: "open", errno: errno)) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock without blocking; `false` when another opener holds it.
    func tryLock() throws(HostBudgetError) -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            switch errno {
            case EINTR: continue
            case EWOULDBLOCK: return false
            case let code: throw HostBudgetError(path: path, kind: .system(operation: "flock", errno: code))
            }
        }
    }

    /// Takes the lock, blocking (for the release, which must finish even in a
    /// cancelled task; holders keep it for microseconds).
    func lock() throws(HostBudgetError) {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw HostBudgetError(path: path, kind: .system(operation: "flock", errno: errno)) }
        }
    }

    /// The entries, and how many lines were not entries (a crash mid-write,
    /// or something else's file).
    func read() throws(HostBudgetError) -> (entries: [BudgetLedgerEntry], unreadable: Int) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var offset: off_t = 0
        while bytes.count <= Self.maximumBytes {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HostBudgetError(path: path, kind: .system(operation: "read", errno: errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
        guard bytes.count <= Self.maximumBytes else { return ([], 1) }
        var entries: [BudgetLedgerEntry] = []
        var unreadable = 0
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        // Empty when the file ends with a newline; anything else is a write cut short.
        if let tail = lines.popLast(), !tail.isEmpty { unreadable += 1 }
        for line in lines where !line.isEmpty && !line.hasPrefix("#") {
            if let entry = BudgetLedgerEntry(line: line) {
                entries.append(entry)
            } else {
                unreadable += 1
            }
        }
        return (entries, unreadable)
    }

    /// Replaces the contents with `entries`, durably.
    func write(_ entries: [BudgetLedgerEntry]) throws(HostBudgetError) {
        var text = Self.header + "\n"
        for entry in entries { text += entry.line + "\n" }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, bytes.count - written, off_t(written)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HostBudgetError(path: path, kind: .system(operation: "write", errno: errno))
            }
            written += count
        }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw HostBudgetError(path: path, kind: .system(operation: "truncate", errno: errno))
        }
        guard fsync(descriptor) == 0 else { throw HostBudgetError(path: path, kind: .system(operation: "fsync", errno: errno)) }
    }
}
