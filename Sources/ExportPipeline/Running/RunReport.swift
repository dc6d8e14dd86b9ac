public import ExportStageKit

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
    /// Whether a signal stopped the run at any point, the stages' finish
    /// included (``RunSummary/interrupted`` knows only of the wait).
    public var interrupted = false

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
        if summary.interrupted || interrupted { code = max(code, .interrupted) }
        if !stageFailures.isEmpty { code = max(code, .stageFailed) }
        return code
    }
}
