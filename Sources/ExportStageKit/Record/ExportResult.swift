public import Foundation

/// What every stage receives: one record per export task.
///
/// The API's fields are kept verbatim; the rest is the pipeline's own view of
/// the wait. ``fieldNames`` is the order of the fields in every output format.
public struct ExportResult: Sendable, Equatable {
    /// The failure behind an `error` outcome (or an HSS-reported problem).
    public struct Failure: Sendable, Equatable {
        /// The error code, e.g. `APIG.0301`, `HSS.1059` or an HTTP status.
        public var code: String
        /// A human-readable message.
        public var message: String
        /// The `X-Request-Id` of the response, when there was one.
        public var requestID: String?

        /// Creates a failure description.
        public init(code: String, message: String, requestID: String? = nil) {
            self.code = code
            self.message = message
            self.requestID = requestID
        }
    }

    /// The export task id (from the pipeline file; HSS echoes it).
    public var taskID: String
    /// `task_name` from the API, when known.
    public var taskName: String?
    /// `task_status` from the API verbatim (`success`, `failure`, `running` or
    /// anything newer HSS may send).
    public var taskStatus: String?
    /// `file_id` from the API.
    public var fileID: String?
    /// `file_name` from the API.
    public var fileName: String?
    /// The name of the pipeline's source the task belongs to, in a pipeline
    /// with `sources:`; `nil` for a single `source:` (and then absent from
    /// every output, which stays as it was before `sources:`).
    public var source: String?
    /// The project the task belongs to.
    public var projectID: String
    /// The region queried, when the source names one.
    public var region: String?
    /// The enterprise project id sent with the query, when set.
    public var enterpriseProjectID: String?
    /// How the wait ended.
    public var outcome: TaskOutcome
    /// Why, when the outcome is `error` (or HSS failed the query on the last poll).
    public var error: Failure?
    /// How many status requests were sent for this task.
    public var polls: Int
    /// When the first status request was sent.
    public var firstPolledAt: Date?
    /// When the wait ended.
    public var finishedAt: Date?
    /// Seconds between the first poll and the end of the wait.
    public var waitSeconds: Double
    /// The id of the run that produced this record.
    public var runID: String
    /// The name of the pipeline's `exports:` entry that created the task, or
    /// `nil` for a task listed under `tasks:`.
    public var exportName: String?
    /// The downloaded file, when the pipeline downloads and the download succeeded.
    public var download: DownloadedArchive?

    /// Creates a record.
    public init(
        taskID: String,
        taskName: String? = nil,
        taskStatus: String? = nil,
        fileID: String? = nil,
        fileName: String? = nil,
        source: String? = nil,
        projectID: String,
        region: String? = nil,
        enterpriseProjectID: String? = nil,
        outcome: TaskOutcome,
        error: Failure? = nil,
        polls: Int = 0,
        firstPolledAt: Date? = nil,
        finishedAt: Date? = nil,
        waitSeconds: Double = 0,
        runID: String,
        exportName: String? = nil,
        download: DownloadedArchive? = nil
    ) {
        self.taskID = taskID
        self.taskName = taskName
        self.taskStatus = taskStatus
        self.fileID = fileID
        self.fileName = fileName
        self.source = source
        self.projectID = projectID
        self.region = region
        self.enterpriseProjectID = enterpriseProjectID
        self.outcome = outcome
        self.error = error
        self.polls = polls
        self.firstPolledAt = firstPolledAt
        self.finishedAt = finishedAt
        self.waitSeconds = waitSeconds
        self.runID = runID
        self.exportName = exportName
        self.download = download
    }
}
