import Synchronization

/// The temp files of the ``AtomicFileWriter``s open right now, so an exit that
/// cannot wait for them (a second signal) removes exactly these.
public enum LiveTemporaryFiles {
    private static let paths = Mutex<Set<String>>([])

    /// Registers a temp file that a second signal should remove.
    public static func insert(_ path: String) {
        paths.withLock { _ = $0.insert(path) }
    }

    /// Forgets a temp file that was renamed or removed.
    public static func remove(_ path: String) {
        paths.withLock { _ = $0.remove(path) }
    }

    /// The temp files open right now.
    public static var current: [String] {
        paths.withLock { Array($0) }
    }
}
