public import ExportPipeline
import ExportStageKit
import NIOHTTP1

extension HSSClient {
    /// The largest create response accepted; it is `{"task_id": …, "record_total_num": …}`.
    static let maximumCreateResponseBytes = 1 << 20

    /// Creates an export task: `POST /v5/{project_id}/{creation.pathSegments…}`, sent once.
    ///
    /// What goes on the wire is what the official SDK sends for the same call:
    /// - the query sorted canonically (by key, then value, as the signature covers it;
    ///   repeated keys for list values), plus the configured `enterprise_project_id` unless
    ///   the creation sets its own;
    /// - `Content-Type: application/json`, `User-Agent`, `X-Project-Id` (no `region` header:
    ///   the create calls do not take one);
    /// - the body as ``SDKJSONEncoder`` writes it, and for AK/SK the signature over those
    ///   bytes (the token is sent as `X-Auth-Token`). A ``JSONValue/null`` body is no body,
    ///   as the SDK sends none for `None`.
    ///
    /// Nothing in the API deduplicates creations, and AsyncHTTPClient never resends a
    /// request (only connection attempts are repeated, and not even those here), so the
    /// errors say whether the task may exist:
    ///
    /// | Failure | Disposition |
    /// |---|---|
    /// | 429 or `APIG.0308` (the gateway refused it) | ``FailureDisposition/throttled(retryAfter:)`` |
    /// | 401, 403 | ``FailureDisposition/credentialsRejected`` |
    /// | other 4xx, 3xx | ``FailureDisposition/permanent`` |
    /// | 5xx, a 2xx without a usable `task_id` (HTML, garbage, cut short, over 1 MiB) | ``FailureDisposition/outcomeUnknown`` |
    /// | no connection (refused, DNS, TLS handshake, connect timeout, proxy) | as for a GET |
    /// | timeout, reset or EOF after the body was handed to a connection | ``FailureDisposition/outcomeUnknown`` |
    ///
    /// - Returns: `task_id` and, when HSS sends it as an integer, `record_total_num`.
    /// - Throws: ``HSSAPIError``, ``HSSTransportError`` or ``HSSResponseError`` (each with
    ///   ``HSSAPIError/creation`` or ``HSSTransportError/creation`` set), or
    ///   ``SDKJSONEncoder/NonFiniteNumberError`` before anything is sent.
    public func createExport(_ creation: ExportCreation) async throws -> CreatedExport {
        let body: [UInt8] = creation.body == .null ? [] : try SDKJSONEncoder.encode(creation.body)
        let outgoing = OutgoingRequest(
            method: .POST,
            pathSegments: ["v5", configuration.projectID] + creation.pathSegments,
            query: creation.query.map { (name: $0.name, value: $0.value) },
            body: body,
            sendsRegion: false,
            creation: creation.operation
        )
        let response = try await send(outgoing, maximumBytes: Self.maximumCreateResponseBytes)
        guard let document = JSONValue.parse(response.body), case .object = document,
            let taskID = Self.taskID(document["task_id"])
        else {
            throw unusable(.missingTaskID(preview: preview(response.body)), response, method: "POST", creation: creation.operation)
        }
        logger.debug(
            "created HSS export task",
            metadata: [
                "operation": "\(creation.operation)", "task_id": "\(taskID)", "request_id": "\(response.requestID ?? "-")",
            ])
        return CreatedExport(taskID: taskID, recordCount: Self.recordCount(document["record_total_num"]))
    }

    /// A usable `task_id`: a non-empty string (or an integer, which some gateways write).
    static func taskID(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty:
            return text
        case .numberLiteral(let text) where Int(text) != nil:
            return text
        default:
            return nil
        }
    }

    /// `record_total_num` when it is an integer.
    static func recordCount(_ value: JSONValue?) -> Int? {
        switch value {
        case .numberLiteral(let text): return Int(text)
        case .integer(let count): return count
        case .string(let text): return Int(text)
        default: return nil
        }
    }
}
