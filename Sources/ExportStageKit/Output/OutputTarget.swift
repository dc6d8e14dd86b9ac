/// Where a file-writing stage's `path` option sends its output: a file, or
/// standard output (`path: -`, for stages that can write it).
public enum OutputTarget: Sendable, Equatable {
    /// The absolute path of a file, which is missing or a regular file.
    case file(String)
    /// The process's standard output.
    case standardOutput

    /// The file's path, or `-` for standard output.
    public var path: String {
        switch self {
        case .file(let path): return path
        case .standardOutput: return ReplaceableOutput.standardOutputPath
        }
    }

    /// Whether this is standard output.
    public var isStandardOutput: Bool { self == .standardOutput }
}
