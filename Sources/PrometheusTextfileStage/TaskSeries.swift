import ExportStageKit

/// What the per-task families need of one result, with its label lists
/// escaped once at receipt rather than once per series.
struct TaskSeries: Sendable {
    /// The constant labels plus `source` (in a `sources:` pipeline), `task_id` and `task_name`.
    var identityLabels: String
    /// ``identityLabels`` plus `task_status`, `file_id` and `file_name`.
    var infoLabels: String
    /// How the wait ended.
    var outcome: TaskOutcome
    /// Seconds waited.
    var waitSeconds: Double
    /// Status requests sent.
    var polls: Int

    /// Extracts the series of `result`; absent values become empty label
    /// values, which Prometheus treats as an absent label.
    init(_ result: ExportResult, constantLabels: String) {
        // Two sources may each have a task of one id (and always have
        // one export of each top-level entry): `source` tells them apart.
        identityLabels = ExpositionText.joinLabels(
            constantLabels,
            result.source.map { ExpositionText.label("source", $0) } ?? "",
            ExpositionText.label("task_id", result.taskID),
            ExpositionText.label("task_name", result.taskName ?? "")
        )
        infoLabels = ExpositionText.joinLabels(
            identityLabels,
            ExpositionText.label("task_status", result.taskStatus ?? ""),
            ExpositionText.label("file_id", result.fileID ?? ""),
            ExpositionText.label("file_name", result.fileName ?? "")
        )
        outcome = result.outcome
        waitSeconds = result.waitSeconds
        polls = result.polls
    }
}
