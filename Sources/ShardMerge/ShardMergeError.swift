/// Why `merge` wrote nothing.
public struct ShardMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, naming the shard and the file.
    public var message: String
    /// How to fix it.
    public var fix: String?
    /// Whether the inputs were at fault (exit 2) rather than writing the merged files (exit 4).
    public var isInputProblem: Bool

    /// Creates an error.
    public init(_ message: String, fix: String? = nil, isInputProblem: Bool = true) {
        self.message = message
        self.fix = fix
        self.isInputProblem = isInputProblem
    }

    /// `message; fix`.
    public var description: String {
        message + (fix.map { "; \($0)" } ?? "")
    }
}
