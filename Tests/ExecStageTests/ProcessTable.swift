import Foundation

/// Looks processes up in `/proc`, to check that a stage left nothing running.
enum ProcessTable {
    /// Whether `pid` has ended within a few seconds: gone, or a zombie (a
    /// container's init may never reap orphans, but a zombie runs nothing).
    static func hasEnded(_ pid: Int32) async -> Bool {
        await eventually { state(of: pid).map { $0 == "Z" || $0 == "X" } ?? true }
    }

    /// Whether every process of process group `group` has ended within a few
    /// seconds (gone, or zombies).
    static func groupHasEnded(_ group: Int32) async -> Bool {
        await eventually { runningMembers(of: group).isEmpty }
    }

    /// The processes of `group` that are not zombies, right now.
    static func runningMembers(of group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let fields = statFields(of: pid), fields.count > 2, Int32(fields[2]) == group else { return false }
            return fields[0] != "Z" && fields[0] != "X"
        }
    }

    /// The process group of `pid`, if it exists.
    static func group(of pid: Int32) -> Int32? {
        statFields(of: pid).flatMap { $0.count > 2 ? Int32($0[2]) : nil }
    }

    /// Whether `condition` holds within 30 s: on a loaded machine a kill can
    /// take a while to be reaped.
    private static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<300 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    private static func state(of pid: Int32) -> Substring? {
        statFields(of: pid)?.first
    }

    /// The fields of `/proc/PID/stat` after the parenthesised command name:
    /// state, parent, process group, …
    private static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
