public import ExportStageKit

/// Where the run creates export tasks and downloads their files: the HSS
/// client in production. A ``TaskStatusSource`` too, so one service answers
/// all three kinds of request the scheduler sends.
///
/// Throw errors conforming to ``TaskStatusFailure``: their disposition tells
/// the scheduler whether to retry. For a create, only a request HSS
/// certainly refused may be retried (429, or a connection that never
/// opened); one whose outcome is unknown (a timeout or reset after it was
/// sent, a 5xx) must say ``FailureDisposition/outcomeUnknown``: nothing in
/// the API deduplicates creations.
public protocol ExportTaskService: TaskStatusSource {
    /// Sends `creation` once; returns the new task's id.
    func createExport(_ creation: ExportCreation) async throws -> CreatedExport

    /// Downloads the file `fileID` into `path` (a new temporary file the
    /// caller owns: create it, write it, fsync it, close it), streaming, never
    /// more than `maximumBytes`.
    func downloadFile(_ fileID: String, to path: String, maximumBytes: Int) async throws -> DownloadedFile
}

/// What a create answered.
public struct CreatedExport: Sendable, Equatable {
    /// `task_id`.
    public var taskID: String
    /// `record_total_num`, when HSS sends it.
    public var recordCount: Int?

    /// Creates an answer.
    public init(taskID: String, recordCount: Int? = nil) {
        self.taskID = taskID
        self.recordCount = recordCount
    }
}

/// What a download wrote.
public struct DownloadedFile: Sendable, Equatable {
    /// Bytes written.
    public var bytes: Int
    /// Lower-case hex SHA-256 of them, computed while streaming.
    public var sha256: String

    /// Creates a download description.
    public init(bytes: Int, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}
