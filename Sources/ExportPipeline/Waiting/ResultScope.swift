public import ExportStageKit

/// The pipeline-level fields every record of a run (or of one of its
/// sources) carries.
public struct ResultScope: Sendable, Equatable {
    /// The source's name in a `sources:` pipeline; `nil` for `source:`.
    public var source: String?
    /// The project queried.
    public var projectID: String
    /// The region, when the source names one.
    public var region: String?
    /// The enterprise project id, when set.
    public var enterpriseProjectID: String?
    /// The run's id.
    public var runID: String

    /// Creates a scope.
    public init(source: String? = nil, projectID: String, region: String? = nil, enterpriseProjectID: String? = nil, runID: String) {
        self.source = source
        self.projectID = projectID
        self.region = region
        self.enterpriseProjectID = enterpriseProjectID
        self.runID = runID
    }

    /// A record for `task` before any poll: outcome `interrupted` until the wait says otherwise.
    public func initialResult(for task: TaskSpec) -> ExportResult {
        ExportResult(
            taskID: task.id, taskName: task.name, source: source, projectID: projectID, region: region,
            enterpriseProjectID: enterpriseProjectID, outcome: .interrupted, runID: runID
        )
    }

    /// The record of `job` before any request: its task id (empty until an
    /// export is created) and the export that makes it.
    public func initialResult(for job: WaitJob) -> ExportResult {
        var result = initialResult(for: TaskSpec(id: job.taskID ?? "", name: job.name ?? job.export?.name))
        result.exportName = job.export?.name
        return result
    }
}
