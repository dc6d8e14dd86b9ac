public import ExportStageKit

/// What the waiter tells the run's journal, so a killed run can be resumed
/// without creating anything twice. Each call returns once the journal is
/// durable on disk.
public protocol RunJournaling: Sendable {
    /// Before a create is sent. If this throws, the create is not sent.
    func willCreate(_ export: ExportSpec) async throws
    /// After HSS answered a create with `taskID`.
    func created(_ export: ExportSpec, taskID: String) async throws
    /// A create whose outcome is unknown: HSS may have created a task.
    func createOutcomeUnknown(_ export: ExportSpec, reason: String) async
    /// A create HSS refused for certain (nothing was created).
    func createRefused(_ export: ExportSpec) async
    /// A task's file was downloaded, verified and renamed into place.
    func downloaded(taskID: String, archive: DownloadedArchive) async throws
}
