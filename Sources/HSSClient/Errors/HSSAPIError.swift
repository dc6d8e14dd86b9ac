public import ExportPipeline
public import ExportStageKit
import Foundation

/// HSS answered with an HTTP status of 400 or more.
///
/// Built from the response as the official SDK's `DefaultExceptionHandler` does (spec
/// section 5): see ``init(status:headers:body:method:path:projectID:now:)``.
public struct HSSAPIError: TaskStatusFailure, CustomStringConvertible, Sendable, Equatable {
    /// The HTTP method of the refused request.
    public var method: String
    /// The path (and query) of the refused request, as sent.
    public var path: String
    /// The HTTP status.
    public var status: Int
    /// The error code: `APIG.0301`, `HSS.1059`, …, or the status as text when the body has
    /// none.
    public var code: String
    /// The error message, or the raw body text (shortened) when the body has none.
    public var message: String
    /// The `X-Request-Id` response header; quote it to Huawei Cloud support.
    public var requestID: String?
    /// `encoded_authorization_message` from the body: the encoded reason of an IAM
    /// permission denial, decodable with IAM's `DecodeAuthorizationMessage`.
    public var encodedAuthorizationMessage: String?
    /// The `Retry-After` response header as a duration (seconds or an HTTP date).
    public var retryAfter: Duration?
    /// The project the request was for, to name it in the advice.
    public var projectID: String?
    /// The SDK operation (e.g. `ExportVuls`) when the refused request created an export
    /// task; `nil` for the other calls. A create that got a 5xx may have taken effect.
    public var creation: String?

    /// Creates an error from its parts (the parser fills these from a response).
    public init(
        method: String,
        path: String,
        status: Int,
        code: String,
        message: String,
        requestID: String? = nil,
        encodedAuthorizationMessage: String? = nil,
        retryAfter: Duration? = nil,
        projectID: String? = nil,
        creation: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.encodedAuthorizationMessage = encodedAuthorizationMessage
        self.retryAfter = retryAfter
        self.projectID = projectID
        self.creation = creation
    }

    /// The API Gateway's "too many requests" code, sent with 429 (and, some APIs, other statuses).
    public static let throttlingCode = "APIG.0308"

    /// Throttled for 429 or `APIG.0308` (the gateway refused the request before HSS saw
    /// it, so even a create may be sent again), transient for 5xx (but
    /// ``FailureDisposition/outcomeUnknown`` for a create: HSS may have created the task
    /// before failing), credentials rejected for 401 and 403 (every task of the run uses
    /// the same ones), permanent for every other status.
    public var disposition: FailureDisposition {
        if status == 429 || code == Self.throttlingCode {
            return .throttled(retryAfter: retryAfter)
        }
        if (500...599).contains(status) {
            return creation == nil ? .transient : .outcomeUnknown
        }
        if status == 401 || status == 403 {
            return .credentialsRejected
        }
        return .permanent
    }

    /// `{code, message, request_id}` for the record's `error` field.
    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: code, message: message, requestID: requestID)
    }

    /// What happened and what to do, e.g.
    /// `HSS refused GET /v5/…/export-task/t-1: 401 APIG.0301 "Incorrect IAM authentication information" (request id 3f2a…); check …`.
    public var description: String {
        let verb: String
        switch disposition {
        case .throttled: verb = "throttled"
        case .transient, .transientAtMost, .outcomeUnknown: verb = "failed"
        case .permanent, .credentialsRejected: verb = "refused"
        }
        var text = "HSS \(verb) \(method) \(path): \(status)"
        if code != String(status) {
            text += " \(code)"
        }
        text += " " + Self.quoted(message)
        if let requestID {
            text += " (request id \(requestID))"
        }
        return text + "; " + advice
    }

    /// The fix for the usual causes of this status or code.
    var advice: String {
        let project = projectID.map { "project \($0)" } ?? "the project"
        if disposition == .outcomeUnknown {
            return HSSTransportError.mayHaveCreatedAdvice(creation ?? "the export", project: project)
        }
        if case .throttled(let retryAfter) = disposition {
            let wait = retryAfter.map { "retry after \(HSSAPIError.seconds($0)) s" } ?? "retry later"
            return "\(wait); HSS allows only a few calls per minute per API, so lower the request budget or concurrency"
        }
        switch status {
        case 400 where creation != nil:
            return "check the export's parameters and enterprise_project_id; HSS rejected the request as malformed"
        case 400:
            return "check the task id and enterprise_project_id; HSS rejected them as malformed"
        case 401:
            return "check the token or AK/SK (expired, mistyped, or signed with the wrong secret key) and that they belong to \(project)"
        case 403:
            var advice = "check that the IAM user has HSS permissions (e.g. HSS ReadOnlyAccess) in \(project) and the enterprise project"
            if encodedAuthorizationMessage != nil {
                advice += "; the encoded_authorization_message can be decoded with IAM to see the denied action"
            }
            return advice
        case 404 where creation != nil:
            return "check the export kind and that \(project) is served at this endpoint"
        case 404 where path.contains("/download/"):
            return "check the file id (the task's file_id) and that the endpoint is the task's region; HSS keeps exported files only for a while"
        case 404:
            return "check that the task id exists in \(project) and that the endpoint is the task's region"
        case 500...599:
            return "HSS had a server-side problem; this is usually temporary, so retry later"
        default:
            return "check the request settings (endpoint, project id, enterprise project id)"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return String(seconds) }
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return String(format: "%.1f", value)
    }

    /// The message in double quotes with control characters escaped, so a hostile or
    /// multi-line body cannot forge extra log lines.
    static func quoted(_ message: String) -> String {
        var output = "\""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                output += "\\u{\(String(scalar.value, radix: 16))}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
