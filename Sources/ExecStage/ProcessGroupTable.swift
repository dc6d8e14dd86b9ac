import Foundation

/// Reads from `/proc` what is left of a stopped command's process group, so
/// the stop need not sit out the whole grace period when SIGTERM already ended
/// everything in it.
enum ProcessGroupTable {
    /// Whether a process of `group` still runs (a zombie runs nothing: the
    /// command itself stays one until it is reaped, and a container's init may
    /// never reap an orphan); `nil` where there is no `/proc` to tell.
    static func hasRunningMember(_ group: Int32) -> Bool? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries where entry.first?.isNumber == true {
            // Gone meanwhile, or not readable: then it is not running in the group either.
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let nameEnd = stat.lastIndex(of: ")")
            else { continue }
            // After the parenthesised command name (which may hold spaces): state, parent, group.
            let fields = stat[stat.index(after: nameEnd)...].split(separator: " ", maxSplits: 3)
            guard fields.count > 2, Int32(fields[2]) == group else { continue }
            if fields[0] != "Z", fields[0] != "X" { return true }
        }
        return false
    }
}
