import Foundation

/// Path helpers shared by the loader and the stages.
public enum FilePath {
    /// `path` unchanged when absolute (or `~/`-relative, expanded), otherwise
    /// joined to `directory`, with `.` and `..` components removed.
    public static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            return normalize(home + String(path.dropFirst(1)))
        }
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(directory + "/" + path)
    }

    /// The directory part of `path` (`.` when it has none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    public static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
