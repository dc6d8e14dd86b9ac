/// A shard given as `--shard` or by `JOB_COMPLETION_INDEX`/`JOB_COMPLETIONS`
/// that cannot be used.
public struct ShardAssignmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value as given (never a secret: two numbers).
    public var value: String
    /// Where it came from: `--shard`, `JOB_COMPLETION_INDEX`, … .
    public var origin: String
    /// What is wrong.
    public var problem: String
    /// How to fix it.
    public var fix: String

    /// Creates an error.
    public init(value: String, origin: String = "--shard", problem: String, fix: String) {
        self.value = value
        self.origin = origin
        self.problem = problem
        self.fix = fix
    }

    /// `--shard '4/4': the shard index 4 is outside 0...3 (indices start at 0); use …`.
    public var description: String {
        "\(origin) '\(value)': \(problem); \(fix)"
    }
}
