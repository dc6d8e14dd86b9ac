/// One request a create route received (after authentication and the rate limit), as it
/// arrived: for tests that check what a client sent and that it never created an export twice.
public struct SimulatorCreation: Sendable, Equatable {
    /// The SDK operation, e.g. `ExportVuls`.
    public var operation: String
    /// The raw path, still percent-encoded, e.g. `/v5/p1/vul/export`.
    public var path: String
    /// The raw query string without `?`, exactly as received (repeated keys included).
    public var query: String
    /// The body bytes, decoded as UTF-8 (invalid bytes become U+FFFD).
    public var body: String
    /// The export's identity: the operation, the sorted query and the body with sorted keys
    /// and no whitespace, so one export has one identity however its JSON was spaced; in a
    /// project other than the scenario's primary one, followed by ` project:<id>`.
    public var identity: String
    /// The project id of the path.
    public var projectID: String
    /// The created task, or `nil` when the request was refused (see `status`).
    public var taskID: String?
    /// The HTTP status of the answer: 200, or 400 for an invalid request.
    public var status: Int
    /// The error code of a refused request.
    public var errorCode: String?

    /// Creates a record.
    public init(
        operation: String, path: String, query: String, body: String, identity: String, taskID: String?, status: Int, errorCode: String? = nil,
        projectID: String = ""
    ) {
        self.projectID = projectID
        self.operation = operation
        self.path = path
        self.query = query
        self.body = body
        self.identity = identity
        self.taskID = taskID
        self.status = status
        self.errorCode = errorCode
    }
}
