public import ExportPipeline
public import ExportStageKit

/// HSS (or something in between) answered with a response the client cannot use: a
/// redirect, a success body that is not the JSON the API documents, or a body over the
/// size limit.
///
/// A redirect is ``FailureDisposition/permanent``: the endpoint is wrong, and asking again
/// gets the same answer. An unusable body is ``FailureDisposition/transient``: it is
/// usually a proxy's or load balancer's page, or an answer cut short, and the next
/// request may reach HSS; the waiter retries it within the budget, and it becomes the
/// task's `error` only when the task's deadline passes. A create's unusable 2xx body is
/// ``FailureDisposition/outcomeUnknown``: HSS may have created the task.
public struct HSSResponseError: TaskStatusFailure, CustomStringConvertible, Sendable, Equatable {
    /// What was wrong with the response.
    public enum Kind: Sendable, Equatable {
        /// A 3xx status; redirects are not followed, as in the SDK.
        case redirect(location: String?)
        /// A 2xx body that is not JSON; `preview` shows its first characters, sanitized.
        case garbage(preview: String)
        /// The body exceeded `limit` bytes.
        case tooLarge(limit: Int)
        /// A create's 2xx body has no usable `task_id` (a non-empty string); `preview`
        /// shows its first characters, sanitized.
        case missingTaskID(preview: String)
        /// A 2xx body that is JSON but not in the documented shape: `field` (or the whole
        /// body, when `nil`) is `found` (e.g. `a number (42)`) instead of a string (the
        /// body: an object).
        case wrongType(field: String?, found: String, preview: String)
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
    /// The media type of the body (`text/html`), without parameters, when it had one.
    public var contentType: String?
    /// The SDK operation (e.g. `ExportVuls`) when the request created an export task;
    /// `nil` for the other calls.
    public var creation: String?

    /// Creates a response error.
    public init(
        kind: Kind, method: String, path: String, endpoint: String, status: Int, requestID: String? = nil, contentType: String? = nil,
        creation: String? = nil
    ) {
        self.kind = kind
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.status = status
        self.requestID = requestID
        self.contentType = contentType
        self.creation = creation
    }

    /// Permanent for a redirect; ``FailureDisposition/outcomeUnknown`` for any unusable
    /// 2xx answer to a create (HSS may have created the task); transient otherwise.
    public var disposition: FailureDisposition {
        if case .redirect = kind { return .permanent }
        if creation != nil || kind.isMissingTaskID { return .outcomeUnknown }
        return .transient
    }

    /// Code `redirect`, `garbage-response`, `response-too-large`, `missing-task-id` or
    /// `unexpected-json`, and the description.
    public var recordFailure: ExportResult.Failure {
        let code: String
        switch kind {
        case .redirect: code = "redirect"
        case .garbage: code = "garbage-response"
        case .tooLarge: code = "response-too-large"
        case .missingTaskID: code = "missing-task-id"
        case .wrongType: code = "unexpected-json"
        }
        return ExportResult.Failure(code: code, message: description, requestID: requestID)
    }

    /// What the response was and the fix, e.g. `HTTP 200 with a text/html body, not JSON:
    /// <html>… (GET http://…/v5/…/export-task/t-1); …`.
    public var description: String {
        let request = "\(method) \(endpoint)\(path)"
        let id = requestID.map { ", request id \($0)" } ?? ""
        let body = Self.bodyOfType(contentType)
        let notHSS = "check that the endpoint is the HSS API and not a proxy or portal page"
        let next =
            creation != nil
            ? Self.mayHaveCreated(creation ?? "")
            : "it is retried until the task's deadline (a proxy or load balancer may have answered instead of HSS); \(notHSS)"
        switch kind {
        case .redirect(let location):
            let target = location.map { " to \($0)" } ?? ""
            let note = requestID.map { " (request id \($0))" } ?? ""
            return "HSS redirected \(request) with status \(status)\(target)\(note); redirects are not followed, "
                + "so check the endpoint (it should be the HSS API host, e.g. https://hss.cn-north-4.myhuaweicloud.com)"
        case .garbage(let preview):
            let what = preview.isEmpty ? "HTTP \(status) with an empty body, not JSON" : "HTTP \(status) with \(body), not JSON: \(preview)"
            return "\(what) (\(request)\(id)); \(next)"
        case .tooLarge(let limit):
            return "HTTP \(status) answer of more than \(limit) bytes, larger than any answer of this API (\(request)\(id)); \(next)"
        case .missingTaskID(let preview):
            let shown = preview.isEmpty ? "an empty body" : "\(body) starting \(preview)"
            return "HSS answered \(request) with status \(status) but no task_id (\(shown)\(id)); "
                + Self.mayHaveCreated(creation ?? "the export") + "; \(notHSS)"
        case .wrongType(let field, let found, let preview):
            let what =
                field.map { "its \($0) is \(found), not the string the API documents" } ?? "it is \(found), not the object the API documents"
            return "HTTP \(status) with a JSON body, but \(what): \(preview) (\(request)\(id)); \(next)"
        }
    }

    /// `a text/html body`, `an application/json body`, `a body without Content-Type`.
    static func bodyOfType(_ contentType: String?) -> String {
        guard let contentType else { return "a body without Content-Type" }
        return ("aeiou".contains(contentType.first ?? "x") ? "an " : "a ") + contentType + " body"
    }

    static func mayHaveCreated(_ operation: String) -> String {
        "HSS may have created the export task (\(operation)) anyway, and it does not deduplicate creations, so the request is not "
            + "sent again; look for a new export task in the HSS console before creating this export again"
    }

    /// The first `limit` characters of `body`, sanitized: runs of white space become one
    /// space and other control characters are escaped, so a hostile body cannot forge log
    /// lines; `…` when cut. Empty for an empty body.
    static func preview(_ body: [UInt8], limit: Int = 80) -> String {
        // Decode no more than the preview needs: a body can be a megabyte.
        let text = String(decoding: body.prefix(limit * 4 + 16), as: UTF8.self)
        var output = ""
        var count = 0
        var pendingSpace = false
        var cut = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = !output.isEmpty
                continue
            }
            if count >= limit {
                cut = true
                break
            }
            if pendingSpace {
                output.append(" ")
                count += 1
                pendingSpace = false
                if count >= limit {
                    cut = true
                    break
                }
            }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                output += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                output.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return output + (cut || body.count > limit * 4 + 16 ? "…" : "")
    }

    /// The media type of a `Content-Type` value, lower-cased, without parameters and at
    /// most 60 printable characters; `nil` for none.
    static func mediaType(_ header: String?) -> String? {
        guard let header else { return nil }
        let type = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let cleaned = String(
            String.UnicodeScalarView(type.unicodeScalars.filter { (0x21..<0x7F).contains($0.value) && $0 != "\"" }.prefix(60)))
        return cleaned.isEmpty ? nil : cleaned.lowercased()
    }
}

extension HSSResponseError.Kind {
    var isMissingTaskID: Bool {
        if case .missingTaskID = self { return true }
        return false
    }
}
