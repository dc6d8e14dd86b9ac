import ExportStageKit
import Foundation
import HSSSigning
import HTTPTypes
import Hummingbird

/// The HSS API routes and their handlers.
struct SimulatorRoutes {
    let scenario: SimulatorScenario
    let state: SimulatorState

    static let projectHeader = HTTPField.Name("X-Project-Id")!

    func register(on group: RouterGroup<SimulatorRequestContext>) {
        group.get("export-task/:task_id") { request, context in
            try await exportTask(request, context)
        }
        group.get("download/:file_id") { request, context in
            try await download(request, context)
        }
    }

    /// `GET /v5/{project_id}/export-task/{task_id}`: the next answer of the task's script.
    func exportTask(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        try checkProject(request, context)
        let taskID = try parameter("task_id", context)
        guard let task = scenario.task(id: taskID), let polled = await state.poll(taskID: taskID) else {
            throw HSSAPIError.taskNotFound(taskID)
        }
        if polled.startedClock {
            context.logger.info("scenario clock started by the first poll; 'until' steps count from now", metadata: ["task_id": "\(taskID)"])
        }
        switch polled.answer {
        case .status(let status):
            // Keys in the documented order; U+2028/U+2029 left unescaped, as the simulator always sent them.
            let body = JSONValue.object([
                ("task_id", .string(task.id)),
                ("task_name", .string(task.name)),
                ("task_status", .string(status)),
                ("file_id", .string(task.fileID)),
                ("file_name", .string(task.fileName)),
            ]).serialized(escapingLineSeparators: false)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json;charset=UTF-8"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        case .httpError(let status, let code, let message):
            throw HSSAPIError.scripted(status: status, code: code, message: message)
        }
    }

    /// `GET /v5/{project_id}/download/{file_id}`: a small zip holding a CSV about the task.
    ///
    /// Served whatever the task's status, so a client can test downloads without polling first.
    func download(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        try checkProject(request, context)
        let fileID = try parameter("file_id", context)
        guard let task = scenario.task(fileID: fileID) else {
            throw HSSAPIError.fileNotFound(fileID)
        }
        await state.recordDownload(fileID: fileID)
        let stem = task.fileName.hasSuffix(".zip") ? String(task.fileName.dropLast(4)) : task.fileName
        let csv = "task_id,task_name,file_id\r\n\(csvField(task.id)),\(csvField(task.name)),\(csvField(task.fileID))\r\n"
        let zip = StoredZip.make(fileName: "\(stem).csv", contents: Array(csv.utf8))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(task.fileName.replacingOccurrences(of: "\"", with: "'"))\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: zip))
        )
    }

    /// Path parameters arrive percent-encoded (the router matches the raw path, so an
    /// encoded `/` stays inside its segment); decode them only now.
    private func parameter(_ name: String, _ context: SimulatorRequestContext) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw HSSAPIError.internalError()
        }
        return HSSPercentEncoding.decode(raw)
    }

    private func checkProject(_ request: Request, _ context: SimulatorRequestContext) throws {
        let projectID = try parameter("project_id", context)
        if let header = request.headers[Self.projectHeader], header != projectID {
            throw HSSAPIError.projectHeaderMismatch(header: header, path: projectID)
        }
        guard projectID == scenario.projectID else {
            throw HSSAPIError.projectNotFound(projectID)
        }
    }

    private func csvField(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            : value
    }
}
