import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process groups of the child commands running right now (an `exec`
/// stage's command and whatever it started), so an exit that cannot wait for
/// them (a second signal) kills exactly these instead of leaving them behind.
///
/// A command is registered from when it has been started until it has been
/// reaped: while it is unreaped its process id cannot be reused, so the group
/// id cannot name someone else's processes.
public enum LiveChildProcesses {
    private static let groups = Mutex<Set<Int32>>([])

    /// Registers the process group `group` (the id of the command that leads
    /// it); a group id of 0 or 1 would name hss-export's own group or every
    /// process, and is refused.
    public static func insert(_ group: Int32) {
        precondition(group > 1, "process group \(group) cannot be a child's own group")
        groups.withLock { _ = $0.insert(group) }
    }

    /// Forgets a group whose leader has been reaped.
    public static func remove(_ group: Int32) {
        groups.withLock { _ = $0.remove(group) }
    }

    /// The groups registered right now.
    public static var current: [Int32] {
        groups.withLock { Array($0) }
    }

    /// Sends SIGKILL to every registered group, for the exit that cannot wait;
    /// returns the groups that were signalled (a group already gone is not).
    @discardableResult
    public static func killAll() -> [Int32] {
        current.filter { $0 > 1 && kill(-$0, SIGKILL) == 0 }.sorted()
    }
}
