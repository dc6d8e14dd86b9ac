public import ExportStageKit

/// Where the waiter gets a task's status from: the HSS client in production.
///
/// Kept in the core so the waiter (backoff, budget, deadlines) is independent
/// of HTTP and the tests can drive it against the simulator or anything else.
public protocol TaskStatusSource: Sendable {
    /// Asks once for the status of `taskID`.
    ///
    /// Throw an error conforming to ``TaskStatusFailure`` to tell the waiter
    /// whether to retry; any other error counts as transient.
    func status(of taskID: String) async throws -> TaskStatus
}

/// The task as the API described it (all fields verbatim, all optional).
public struct TaskStatus: Sendable, Equatable {
    /// `task_id`.
    public var taskID: String?
    /// `task_name`.
    public var taskName: String?
    /// `task_status`: `success`, `failure`, `running`, or anything newer.
    public var taskStatus: String?
    /// `file_id`.
    public var fileID: String?
    /// `file_name`.
    public var fileName: String?

    /// Creates a status.
    public init(taskID: String? = nil, taskName: String? = nil, taskStatus: String? = nil, fileID: String? = nil, fileName: String? = nil) {
        self.taskID = taskID
        self.taskName = taskName
        self.taskStatus = taskStatus
        self.fileID = fileID
        self.fileName = fileName
    }

    /// The task as one JSON object with the API's field names.
    public var jsonValue: JSONValue {
        .object([
            ("task_id", JSONValue(taskID)),
            ("task_name", JSONValue(taskName)),
            ("task_status", JSONValue(taskStatus)),
            ("file_id", JSONValue(fileID)),
            ("file_name", JSONValue(fileName)),
        ])
    }
}

/// What the waiter should do after a failed status request.
public enum FailureDisposition: Sendable, Equatable {
    /// The API throttled us (429 / `APIG.0308`): wait at least this long
    /// (the `Retry-After`), then retry within the budget.
    case throttled(retryAfter: Duration?)
    /// A server error or a network failure: retry with backoff within the budget.
    case transient
    /// Retrying helps only sometimes (a name that does not resolve: DNS
    /// failures can be transient): the task ends with outcome `error` after
    /// `attempts` such failures in a row.
    case transientAtMost(attempts: Int)
    /// Not found, a bad request, a TLS mismatch: retrying cannot help; the
    /// task ends at once with outcome `error`.
    case permanent
    /// A create request may have taken effect (it timed out or was reset
    /// after it was sent, or HSS answered 5xx): sending it again could create
    /// a second task, so the export ends with outcome `error`, and the run
    /// tells the user how to check.
    case outcomeUnknown
    /// The credentials were refused (401, 403): every task of the run uses
    /// them, so every unfinished task ends at once with outcome `error`, after
    /// one request and one log line.
    case credentialsRejected
}

/// An error from a ``TaskStatusSource`` that says how the waiter should react.
public protocol TaskStatusFailure: Error, CustomStringConvertible {
    /// Retry or give up.
    var disposition: FailureDisposition { get }
    /// The failure as it goes into the record's `error` field.
    var recordFailure: ExportResult.Failure { get }
}
