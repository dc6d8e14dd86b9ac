#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one check every output path goes through before a stage replaces or
/// appends to it: what is there must be a regular file, or nothing.
///
/// An atomic replacement renames a temp file over the path, and `rename(2)`
/// replaces whatever the last component is: a symbolic link (the link
/// itself, not its target: `path: /dev/stdout` run as root replaced the
/// system's `/dev/stdout` link with a file), a device node, a FIFO, a
/// socket. An append opens the path, which on a FIFO blocks and on a
/// device writes to the device. So both refuse anything that is not a
/// regular file, with `lstat` (links are not followed):
///
/// - when the stage is built from its options (``StageOptions/outputTarget(_:for:)``),
///   so `validate` and `run` report it at the option's line before any request;
/// - again right before the rename or the append (``PreparedFile/publish()``,
///   ``PreparedAppend``, ``AppendableFile/repairTornEnd(of:now:)``), so a path
///   that changed meanwhile is still never replaced.
///
/// A missing path is fine: the output creates it.
public enum ReplaceableOutput {
    /// The `path` value that sends a stage's output to standard output.
    public static let standardOutputPath = "-"

    /// What stands at `path` when it is neither missing nor a regular file,
    /// as a noun phrase ("a directory", "a symbolic link to /proc/self/fd/1");
    /// `nil` when the path is missing, a regular file, or cannot be looked at
    /// (the write itself then reports why).
    public static func obstacle(at path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: return linkDescription(path)
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    /// Throws when `path` exists and is not a regular file.
    ///
    /// - Parameter suggestsStandardOutput: whether the fix offers `path: -`
    ///   (only for stages that can write standard output).
    public static func check(_ path: String, suggestsStandardOutput: Bool = true) throws(OutputFileError) {
        guard let found = obstacle(at: path) else { return }
        throw OutputFileError(path: path, message: "it is " + reason(found), fix: fix(suggestsStandardOutput: suggestsStandardOutput))
    }

    /// The same refusal as a ``StageOptionError`` of option `option`, for a
    /// stage being built: the loader reports it at the option's line.
    public static func checkOption(_ option: String, path: String, suggestsStandardOutput: Bool) throws(StageOptionError) {
        guard let found = obstacle(at: path) else { return }
        throw StageOptionError(option: option, message: path + " is " + reason(found), fix: fix(suggestsStandardOutput: suggestsStandardOutput))
    }

    /// "a directory, not a regular file; …" — why it is refused.
    private static func reason(_ found: String) -> String {
        let why =
            found.hasPrefix("a symbolic link")
            ? "replacing the output would replace the link itself, not write to its target"
            : "an output only ever replaces or appends to a regular file"
        return found + ", not a regular file (" + why + ")"
    }

    private static func fix(suggestsStandardOutput: Bool) -> String {
        suggestsStandardOutput
            ? "use `path: \"-\"` to write to stdout (quoted: a bare - starts a YAML list), or the path of a regular file"
            : "use the path of a regular file"
    }

    /// "a symbolic link to TARGET".
    private static func linkDescription(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return "a symbolic link" }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "a symbolic link to " + target
    }
}
