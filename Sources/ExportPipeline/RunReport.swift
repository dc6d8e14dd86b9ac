/// What a run did: every record, the summary, failed stages and the exit code.
public struct RunReport: Sendable {
    /// One record per task, in pipeline-file order.
    public var results: [ExportResult]
    /// Counts and times.
    public var summary: RunSummary
    /// Stages that failed, with why.
    public var stageFailures: [StageFailure]
    /// The files the stages committed, in commit order.
    public var artifacts: [Artifact]

    /// A stage that threw while receiving or committing.
    public struct StageFailure: Sendable, CustomStringConvertible {
        /// The stage's type.
        public var typeName: String
        /// Its position in `stages`, from 0.
        public var index: Int
        /// What went wrong.
        public var message: String

        /// `stage N (type) failed: message`.
        public var description: String { "stage \(index + 1) (\(typeName)) failed: \(message)" }
    }

    /// The process exit code for this run (see ``RunExitCode``).
    public var exitCode: RunExitCode {
        var code = RunExitCode.success
        for result in results {
            switch result.outcome {
            case .succeeded: break
            case .failed, .timedOut: code = max(code, .taskFailed)
            case .error: code = max(code, .apiError)
            case .interrupted: code = max(code, .interrupted)
            }
        }
        if summary.interrupted { code = max(code, .interrupted) }
        if !stageFailures.isEmpty { code = max(code, .stageFailed) }
        return code
    }
}

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
    /// Interrupted by SIGINT or SIGTERM.
    case interrupted = 130

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
        case .interrupted: return 5
        }
    }
}
