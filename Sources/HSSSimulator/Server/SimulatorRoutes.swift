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
        // Every API gets its own limiter, as HSS counts them: queries, downloads, each create.
        limited(group, .query).get("export-task/:task_id") { request, context in
            try await exportTask(request, context)
        }
        limited(group, .download).get("download/:file_id") { request, context in
            try await download(request, context)
        }
        for operation in ExportOperation.allCases {
            limited(group, operation.api).post(RouterPath(operation.path)) { request, context in
                try await create(operation, request, context)
            }
        }
    }

    private func limited(_ group: RouterGroup<SimulatorRequestContext>, _ api: SimulatorAPI) -> RouterGroup<SimulatorRequestContext> {
        // Faults first: a proxy's failure in front of HSS does not spend HSS's budget.
        group.group()
            .add(middleware: FaultMiddleware(state: state, route: api.faultRoute))
            .add(
                middleware: RateLimitMiddleware(state: state, api: api, limit: scenario.rateLimit(for: api), ipLimit: scenario.ipRateLimit(for: api)))
    }

    /// `GET /v5/{project_id}/export-task/{task_id}`: the next answer of the task's script.
    func exportTask(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        let projectID = try checkProject(request, context)
        let taskID = try parameter("task_id", context)
        let fields: (name: String, fileID: String, fileName: String)
        if projectID == scenario.projectID, let task = scenario.task(id: taskID) {
            fields = (task.name, task.fileID, task.fileName)
        } else if let created = await state.createdTask(id: taskID), created.projectID == projectID {
            fields = (created.taskName, created.fileID, created.fileName)
        } else {
            throw HSSAPIError.taskNotFound(taskID)
        }
        guard let polled = await state.poll(taskID: taskID) else {
            throw HSSAPIError.taskNotFound(taskID)
        }
        if polled.startedClock {
            context.logger.info("scenario clock started by the first poll; 'until' steps count from now", metadata: ["task_id": "\(taskID)"])
        }
        switch polled.answer {
        case .status(let status):
            // Keys in the documented order; U+2028/U+2029 left unescaped, as the simulator always sent them.
            let body = JSONValue.object([
                ("task_id", .string(taskID)),
                ("task_name", .string(fields.name)),
                ("task_status", .string(status)),
                ("file_id", .string(fields.fileID)),
                ("file_name", .string(fields.fileName)),
            ]).serialized(escapingLineSeparators: false)
            return Self.json(body)
        case .httpError(let status, let code, let message):
            throw HSSAPIError.scripted(status: status, code: code, message: message)
        }
    }

    static func json(_ body: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json;charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// Path parameters arrive percent-encoded (the router matches the raw path, so an
    /// encoded `/` stays inside its segment); decode them only now.
    func parameter(_ name: String, _ context: SimulatorRequestContext) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw HSSAPIError.internalError()
        }
        return HSSPercentEncoding.decode(raw)
    }

    /// The path's project id, checked against `X-Project-Id` and the scenario's projects.
    @discardableResult
    func checkProject(_ request: Request, _ context: SimulatorRequestContext) throws -> String {
        let projectID = try parameter("project_id", context)
        if let header = request.headers[Self.projectHeader], header != projectID {
            throw HSSAPIError.projectHeaderMismatch(header: header, path: projectID)
        }
        guard scenario.knows(projectID: projectID) else {
            throw HSSAPIError.projectNotFound(projectID)
        }
        return projectID
    }
}
