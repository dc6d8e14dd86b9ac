public import ExportPipeline
import ExportStageKit
import NIOHTTP1

extension HSSClient {
    /// ListQueryExportTask: `GET /v5/{project_id}/export-task/{task_id}`.
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
        guard let document = JSONValue.parse(response.body), case .object = document else {
            throw HSSResponseError(
                kind: .garbage(preview: HSSResponseError.preview(response.body)),
                method: "GET", path: response.path, endpoint: endpoint.baseURL,
                status: response.status, requestID: response.requestID
            )
        }
        return TaskStatus(
            taskID: document["task_id"]?.recordText,
            taskName: document["task_name"]?.recordText,
            taskStatus: document["task_status"]?.recordText,
            fileID: document["file_id"]?.recordText,
            fileName: document["file_name"]?.recordText
        )
    }

    /// The ``TaskStatusSource`` conformance: ``queryExportTask(_:)``.
    public func status(of taskID: String) async throws -> TaskStatus {
        try await queryExportTask(taskID)
    }
}
