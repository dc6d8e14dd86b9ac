/// The exit codes of `hss-export`, ordered by precedence: when several
/// apply, the highest wins (130 > 4 > 3 > 1).
public enum RunExitCode: Int32, Sendable, Comparable, CaseIterable {
    /// Every task succeeded and every stage committed.
    case success = 0
    /// A task failed or timed out.
    case taskFailed = 1
    /// Bad invocation or pipeline file: nothing written, no request made.
    case usage = 2
    /// The API refused (auth, permission, not found) or was unreachable for a task.
    case apiError = 3
    /// A stage failed to commit.
    case stageFailed = 4
    /// Another run of the same pipeline holds its state lock: nothing was
    /// done, no request made, no file changed.
    case locked = 5
    /// Interrupted by SIGINT or SIGTERM.
    case interrupted = 130

    /// One phrase saying what the code means, for the run summary and `--help`.
    public var meaning: String {
        switch self {
        case .success: return "all tasks succeeded and all stages committed"
        case .taskFailed: return "a task failed or timed out"
        case .usage: return "bad invocation or pipeline file (nothing written, no request made)"
        case .apiError: return "the API refused or was unreachable for a task"
        case .stageFailed: return "a stage failed to commit"
        case .locked: return "another run of this pipeline is still running (nothing done)"
        case .interrupted: return "interrupted"
        }
    }

    /// Every code with its meaning, and the precedence rule, as one paragraph.
    public static var documentation: String {
        let codes = allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; ")
        return "Exit codes: \(codes). When several apply, the highest in 130 > 4 > 3 > 1 wins; 2 and 5 end a run before it starts."
    }

    /// Orders codes by precedence, not by value.
    public static func < (lhs: RunExitCode, rhs: RunExitCode) -> Bool {
        lhs.precedence < rhs.precedence
    }

    private var precedence: Int {
        switch self {
        case .success: return 0
        case .taskFailed: return 1
        case .usage: return 2
        case .apiError: return 3
        case .stageFailed: return 4
        case .locked: return 5
        case .interrupted: return 6
        }
    }
}
