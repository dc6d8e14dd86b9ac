#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat` says is at a path, in the terms the verifier reports.
enum FileStatus: Equatable {
    /// A regular file (symbolic links followed) of this size.
    case file(size: Int)
    /// Nothing there (or a dangling link, or a path through a non-directory).
    case missing
    /// Something else: a directory, a device…
    case notAFile(String)
    /// `stat` failed otherwise, e.g. permission denied on a parent.
    case failed(String)

    static func of(_ path: String) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            return .failed("could not stat: \(String(cString: strerror(code)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(size: Int(info.st_size))
        case S_IFDIR: return .notAFile("a directory")
        default: return .notAFile("a special file")
        }
    }
}
