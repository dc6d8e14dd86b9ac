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
    /// Its source: an index into the waiter's ``TaskWaiter/sources``.
    public var source: Int

    /// Creates a job.
    public init(taskID: String?, name: String? = nil, export: ExportSpec? = nil, downloads: Bool = false, source: Int = 0) {
        self.taskID = taskID
        self.name = name
        self.export = export
        self.downloads = downloads
        self.source = source
    }

    /// A listed task.
    public init(_ task: TaskSpec, downloads: Bool = false, source: Int = 0) {
        self.init(taskID: task.id, name: task.name, downloads: downloads, source: source)
    }
}
