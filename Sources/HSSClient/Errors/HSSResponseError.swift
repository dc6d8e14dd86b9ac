public import ExportPipeline
public import ExportStageKit

/// HSS (or something in between) answered with a response the client cannot use: a
/// redirect, a success body that is not a JSON object, or a body over the size limit.
///
/// Always ``FailureDisposition/permanent``: the endpoint is wrong or is not HSS, and
/// asking again gets the same answer.
public struct HSSResponseError: TaskStatusFailure, CustomStringConvertible, Sendable, Equatable {
    /// What was wrong with the response.
    public enum Kind: Sendable, Equatable {
        /// A 3xx status; redirects are not followed, as in the SDK.
        case redirect(location: String?)
        /// A 2xx body that is not a JSON object; `preview` shows its first bytes.
        case garbage(preview: String)
        /// The body exceeded `limit` bytes.
        case tooLarge(limit: Int)
        /// A create's 2xx body has no usable `task_id` (a non-empty string); `preview`
        /// shows its first bytes.
        case missingTaskID(preview: String)
    }

    /// What was wrong.
    public var kind: Kind
    /// The request method.
    public var method: String
    /// The request path.
    public var path: String
    /// The base URL.
    public var endpoint: String
    /// The HTTP status.
    public var status: Int
    /// The `X-Request-Id` response header, when present.
    public var requestID: String?

    /// Creates a response error.
    public init(kind: Kind, method: String, path: String, endpoint: String, status: Int, requestID: String? = nil) {
        self.kind = kind
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.status = status
        self.requestID = requestID
    }

    /// Always permanent.
    public var disposition: FailureDisposition { .permanent }

    /// Code `redirect`, `garbage-response` or `response-too-large`, and the description.
    public var recordFailure: ExportResult.Failure {
        let code: String
        switch kind {
        case .redirect: code = "redirect"
        case .garbage: code = "garbage-response"
        case .tooLarge: code = "response-too-large"
        case .missingTaskID: code = "missing-task-id"
        }
        return ExportResult.Failure(code: code, message: description, requestID: requestID)
    }

    /// What the response was and the fix.
    public var description: String {
        let request = "\(method) \(endpoint)\(path)"
        let id = requestID.map { " (request id \($0))" } ?? ""
        switch kind {
        case .redirect(let location):
            let target = location.map { " to \($0)" } ?? ""
            return "HSS redirected \(request) with status \(status)\(target)\(id); redirects are not followed, "
                + "so check the endpoint (it should be the HSS API host, e.g. https://hss.cn-north-4.myhuaweicloud.com)"
        case .garbage(let preview):
            return "garbage response to \(request): status \(status) with a body that is not a JSON object\(id), "
                + "starting \(preview); check that the endpoint is the HSS API and not a proxy or portal page"
        case .tooLarge(let limit):
            return "response to \(request) exceeds \(limit) bytes\(id); check that the endpoint is the HSS API"
        case .missingTaskID(let preview):
            return "HSS answered \(request) with status \(status) but no task_id\(id), body starting \(preview); "
                + "HSS may have created the export task anyway, so the request is not sent again: look for a new export "
                + "task in the HSS console, and check that the endpoint is the HSS API"
        }
    }

    /// The first `limit` bytes of `body` as an escaped, quoted string.
    static func preview(_ body: [UInt8], limit: Int = 64) -> String {
        if body.isEmpty { return "(empty body)" }
        let head = String(decoding: body.prefix(limit), as: UTF8.self)
        return HSSAPIError.quoted(head) + (body.count > limit ? "…" : "")
    }
}
