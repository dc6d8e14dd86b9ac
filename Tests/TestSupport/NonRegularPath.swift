public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Things that can stand at an output path and are not a regular file, made
/// for real (mkdir, mkfifo, symlink), for the tests that every stage refuses
/// to replace or append to them.
public enum NonRegularPath: String, CaseIterable, Sendable, CustomStringConvertible {
    case directory
    case fifo
    case linkToDevNull
    case linkToRegularFile

    public var description: String { rawValue }

    /// Makes one at `path`; a link to a regular file points at `path + ".target"`, which it writes.
    public func make(at path: String) throws {
        let result: Int32
        switch self {
        case .directory: result = mkdir(path, 0o755)
        case .fifo: result = mkfifo(path, 0o644)
        case .linkToDevNull: result = symlink("/dev/null", path)
        case .linkToRegularFile:
            try "the link's target\n".write(toFile: path + ".target", atomically: false, encoding: .utf8)
            result = symlink(path + ".target", path)
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// What the refusal calls it, for a path made by ``make(at:)``.
    public func refusalText(for path: String) -> String {
        switch self {
        case .directory: return "a directory, not a regular file"
        case .fifo: return "a FIFO (named pipe), not a regular file"
        case .linkToDevNull: return "a symbolic link to /dev/null, not a regular file"
        case .linkToRegularFile: return "a symbolic link to \(path).target, not a regular file"
        }
    }

    /// Whether `path` is still what ``make(at:)`` made (nothing replaced it),
    /// and a linked-to file still holds its content.
    public func isIntact(at path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        switch self {
        case .directory: return status.st_mode & S_IFMT == S_IFDIR
        case .fifo: return status.st_mode & S_IFMT == S_IFIFO
        case .linkToDevNull:
            return status.st_mode & S_IFMT == S_IFLNK && (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == "/dev/null"
        case .linkToRegularFile:
            return status.st_mode & S_IFMT == S_IFLNK
                && (try? String(contentsOfFile: path + ".target", encoding: .utf8)) == "the link's target\n"
        }
    }

    /// Whether `path` is a character device (for `/dev/null` itself).
    public static func isCharacterDevice(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }

    /// Whether `path` itself is a symbolic link (for `/dev/stdout`), whatever it points at.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }
}
