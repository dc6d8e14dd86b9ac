public import ExportStageKit

/// The journal could not be written before a create, so the create was not
/// sent: sending it unjournaled could, after a kill, create the task twice.
public struct JournalError: TaskStatusFailure, Sendable {
    /// The export whose create was held back.
    public var export: String
    /// Why the journal could not be written.
    public var detail: String

    /// Creates a journal error.
    public init(export: String, detail: String) {
        self.export = export
        self.detail = detail
    }

    public var disposition: FailureDisposition { .permanent }

    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: "journal", message: description)
    }

    public var description: String {
        "export '\(export)' was not created: the state journal could not be written (\(detail)); "
            + "check that the state directory is writable and has space (see state.dir in docs/operations.md)"
    }
}
