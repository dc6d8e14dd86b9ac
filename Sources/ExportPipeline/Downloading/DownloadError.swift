public import ExportStageKit

/// A download that could not be completed or did not verify.
public struct DownloadError: TaskStatusFailure, Sendable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file arrived but is not a sound zip (truncated, corrupt): retried.
        case corrupt
        /// The archive is refused for what it is (too large, unsafe entries): not retried.
        case refused
        /// The local disk refused (directory, rename): not retried.
        case local
        /// HSS said `success` without a `file_id`.
        case noFile
    }

    /// What went wrong.
    public var kind: Kind
    /// The task whose file it is.
    public var taskID: String
    /// The file (server name, or local path).
    public var file: String
    /// Details.
    public var detail: String

    /// Creates a download error.
    public init(kind: Kind, taskID: String, file: String, detail: String) {
        self.kind = kind
        self.taskID = taskID
        self.file = file
        self.detail = detail
    }

    public var disposition: FailureDisposition {
        kind == .corrupt ? .transient : .permanent
    }

    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: "download", message: description)
    }

    public var description: String {
        switch kind {
        case .corrupt: return "the download of '\(file)' (task \(taskID)) is not a valid zip: \(detail)"
        case .refused: return "the archive '\(file)' (task \(taskID)) was refused: \(detail)"
        case .local: return "cannot store the download of task \(taskID) at '\(file)': \(detail)"
        case .noFile: return "HSS reported task \(taskID) as success but named no file_id to download"
        }
    }
}
