import Foundation

/// Looks processes up in `/proc`, to check that a stage left nothing running.
enum ProcessTable {
    /// Whether `pid` has ended within a few seconds: gone, or a zombie (a
    /// container's init may never reap orphans, but a zombie runs nothing).
    static func hasEnded(_ pid: Int32) async -> Bool {
        // Up to 30 s: on a loaded machine the kill can take a while to be reaped.
        for _ in 0..<300 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the parenthesised command name.
            if let close = stat.lastIndex(of: ")") {
                let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
                if state == "Z" || state == "X" { return true }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
