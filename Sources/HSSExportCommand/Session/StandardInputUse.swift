import Foundation

/// Whether loading a pipeline read its task list from stdin
/// (`tasks: {stdin: true}`), for the dry run's "tasks from stdin".
final class StandardInputUse: @unchecked Sendable {
    // The loader calls its reader synchronously; the lock keeps the flag safe anyway.
    private let lock = NSLock()
    private var read = false

    /// Whether stdin was read.
    var wasRead: Bool { lock.withLock { read } }

    /// Records that stdin was read.
    func markRead() { lock.withLock { read = true } }
}
