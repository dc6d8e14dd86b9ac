public import ExportPipeline
import ExportStageKit
import NIOHTTP1

extension HSSClient {
    /// The Task fields of a query's answer; the API documents each as an optional string.
    static let taskFields = ["task_id", "task_name", "task_status", "file_id", "file_name"]

    /// ListQueryExportTask: `GET /v5/{project_id}/export-task/{task_id}`.
    ///
    /// The answer must be the JSON object the API documents, at most 1 MiB
    /// (``maximumTaskResponseBytes``): each of `task_id`, `task_name`, `task_status`,
    /// `file_id` and `file_name` a string, `null` or absent (unknown fields are ignored). Anything
    /// else (a proxy's HTML page, garbage, a body cut short or too large, `"task_status": 42`)
    /// is an ``HSSResponseError`` with ``FailureDisposition/transient``: the waiter asks again
    /// within its budget and deadline.
    ///
    /// - Parameter taskID: The export task id; any characters, it is percent-encoded.
    /// - Returns: The task's fields verbatim; an unknown `task_status` is kept as sent.
    /// - Throws: ``HSSAPIError``, ``HSSTransportError`` or ``HSSResponseError``.
    public func queryExportTask(_ taskID: String) async throws -> TaskStatus {
        let response = try await send(
            method: .GET,
            pathSegments: ["v5", configuration.projectID, "export-task", taskID],
            maximumBytes: Self.maximumTaskResponseBytes
        )
        // Order-preserving, and the last of a repeated key wins, as in the SDK's `json.loads`.
        guard let document = JSONValue.parse(response.body) else {
            throw unusable(.garbage(preview: preview(response.body)), response, method: "GET")
        }
        guard case .object = document else {
            throw unusable(.wrongType(field: nil, found: Self.describe(document), preview: preview(response.body)), response, method: "GET")
        }
        for field in Self.taskFields {
            switch document[field] {
            case nil, .null?, .string?:
                continue
            case let value?:
                throw unusable(.wrongType(field: field, found: Self.describe(value), preview: preview(response.body)), response, method: "GET")
            }
        }
        return TaskStatus(
            taskID: document["task_id"]?.recordText,
            taskName: document["task_name"]?.recordText,
            taskStatus: document["task_status"]?.recordText,
            fileID: document["file_id"]?.recordText,
            fileName: document["file_name"]?.recordText
        )
    }

    /// `a number (42)`, `an array`, … for a message; short, whatever the value.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "a boolean (\(flag))"
        case .numberLiteral(let text): return "a number (\(text.prefix(20)))"
        case .integer(let number): return "a number (\(number))"
        case .number(let number): return "a number (\(number))"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The ``TaskStatusSource`` conformance: ``queryExportTask(_:)``.
    public func status(of taskID: String) async throws -> TaskStatus {
        try await queryExportTask(taskID)
    }
}
