/// One task the run waits for: a listed task id, or an export to create
/// (or created by an earlier, interrupted run).
public struct WaitJob: Sendable, Equatable {
    /// The task id, once known: `nil` for an export still to create.
    public var taskID: String?
    /// A label used until HSS names the task.
    public var name: String?
    /// The `exports:` entry behind it, if any.
    public var export: ExportSpec?
    /// Whether to download its file after `success`.
    public var downloads: Bool

    /// Creates a job.
    public init(taskID: String?, name: String? = nil, export: ExportSpec? = nil, downloads: Bool = false) {
        self.taskID = taskID
        self.name = name
        self.export = export
        self.downloads = downloads
    }

    /// A listed task.
    public init(_ task: TaskSpec, downloads: Bool = false) {
        self.init(taskID: task.id, name: task.name, downloads: downloads)
    }
}
