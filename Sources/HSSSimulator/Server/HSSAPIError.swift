import ExportStageKit
import Hummingbird

/// An error answer in HSS format: `{"error_code": …, "error_msg": …}` with a status.
///
/// The codes are those of Huawei Cloud's API gateway where one exists (`APIG.*`), and
/// simulator-chosen `HSS.*` codes otherwise; see ``HSSSimulator`` for the table.
struct HSSAPIError: Error {
    var status: Int
    var code: String
    var message: String
    var retryAfterSeconds: Int?

    static func apiNotFound(method: String, path: String) -> Self {
        .init(status: 404, code: "APIG.0101", message: "The API does not exist or has not been published in the environment: \(method) \(path)")
    }

    static func unauthorized(_ reason: String) -> Self {
        .init(status: 401, code: "APIG.0301", message: "Incorrect IAM authentication information: \(reason)")
    }

    static func throttled(retryAfterSeconds: Int, limit: SimulatorScenario.RateLimit, api: SimulatorAPI, bySourceIP: Bool = false) -> Self {
        .init(
            status: 429, code: "APIG.0308",
            message:
                "The request is throttled: more than \(limit.requests) requests per \(DurationText.format(limit.per)) for this \(bySourceIP ? "source IP" : "user") on the \(api) API; "
                + "retry after \(retryAfterSeconds) s",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// A credential used at or after its expiry: 401 `APIG.0307`, the gateway's answer to an
    /// expired token (a temporary key's security token is one too).
    static func credentialExpired(_ detail: String) -> Self {
        .init(status: 401, code: "APIG.0307", message: "The token must be updated: \(detail)")
    }

    static func projectHeaderMismatch(header: String, path: String) -> Self {
        .init(
            status: 400, code: "HSS.1002",
            message: "X-Project-Id '\(header)' does not match the project id '\(path)' in the path; send the same project id in both")
    }

    static func projectNotFound(_ projectID: String) -> Self {
        .init(status: 404, code: "HSS.1004", message: "Project '\(projectID)' does not exist; use the project id of your credentials")
    }

    static func taskNotFound(_ taskID: String) -> Self {
        .init(status: 404, code: "HSS.1059", message: "Export task '\(taskID)' does not exist; check the task id")
    }

    static func fileNotFound(_ fileID: String) -> Self {
        .init(status: 404, code: "HSS.1060", message: "Exported file '\(fileID)' does not exist; use the file_id of a finished export task")
    }

    /// A scripted error step; codes and messages default by status.
    static func scripted(status: Int, code: String?, message: String?) -> Self {
        let defaultCode: String
        switch status {
        case 429: defaultCode = "APIG.0308"
        case 500...599: defaultCode = "HSS.1000"
        default: defaultCode = "HSS.1001"
        }
        return .init(
            status: status,
            code: code ?? defaultCode,
            message: message ?? "Simulated HTTP \(status) from the scenario script",
            retryAfterSeconds: status == 429 ? 1 : nil
        )
    }

    /// A create request without a required parameter: 400 `HSS.1001`.
    static func missingParameter(_ name: String, in location: String, example: String? = nil) -> Self {
        .init(
            status: 400, code: "HSS.1001",
            message: "Invalid parameter: missing required parameter '\(name)' (\(location))" + (example.map { "; e.g. \($0)" } ?? ""))
    }

    /// A create request with a parameter HSS refuses: 400 `HSS.1001`.
    static func invalidParameter(_ name: String, _ problem: String) -> Self {
        .init(status: 400, code: "HSS.1001", message: "Invalid parameter '\(name)': \(problem)")
    }

    /// A create request whose `Content-Type` is not JSON: 400 `HSS.1001`.
    static func unsupportedContentType(_ contentType: String?) -> Self {
        .init(
            status: 400, code: "HSS.1001",
            message: "Invalid parameter 'Content-Type': must be application/json, not '\(contentType ?? "none")'")
    }

    static func internalError() -> Self {
        .init(status: 500, code: "HSS.1000", message: "Internal simulator error")
    }

    /// `{"error_code":…,"error_msg":…}`; U+2028/U+2029 left unescaped, as the simulator always sent them.
    var body: String {
        JSONValue.object([("error_code", .string(code)), ("error_msg", .string(message))])
            .serialized(escapingLineSeparators: false)
    }

    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json;charset=UTF-8"]
        if let retryAfterSeconds {
            headers[.retryAfter] = String(retryAfterSeconds)
        }
        return Response(
            status: .init(code: status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
