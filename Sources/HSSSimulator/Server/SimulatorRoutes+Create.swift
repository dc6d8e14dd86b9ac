import ExportStageKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension SimulatorRoutes {
    /// `POST /v5/{project_id}/<operation path>`: checks the request as HSS documents it,
    /// creates a task that then polls like any other (its script from the scenario's
    /// export template) and answers `{"task_id": …, "record_total_num": …}`.
    ///
    /// Every request that gets here (authenticated, not throttled, right project) is logged
    /// for `/_simulator/creations`, refused ones too.
    func create(_ operation: ExportOperation, _ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        let projectID = try checkProject(request, context)
        var request = request
        // AK/SK requests were buffered by the authentication; token requests are read here.
        let body = Array(try await request.collectBody(upTo: AuthenticationMiddleware.maximumBodySize).readableBytesView)
        let rawQuery = request.uri.query
        let identity = ExportIdentity.make(operation: operation.operation, rawQuery: rawQuery, body: body)
        var record = SimulatorCreation(
            operation: operation.operation,
            path: request.uri.path,
            query: rawQuery ?? "",
            body: String(decoding: body, as: UTF8.self),
            // One export created in each of several projects is not a duplicate.
            identity: projectID == scenario.projectID ? identity : "\(identity) project:\(projectID)",
            taskID: nil,
            status: 400,
            projectID: projectID
        )
        let validated: ValidatedExport
        do {
            try Self.checkContentType(request)
            validated = try operation.validate(query: CreateQuery(raw: rawQuery), body: body)
        } catch let error as HSSAPIError {
            record.status = error.status
            record.errorCode = error.code
            await state.recordRefusedCreation(record)
            throw error
        }
        let export = await state.create(validated, record: record)
        context.logger.info(
            "export task created", metadata: ["operation": "\(operation.operation)", "task_id": "\(export.taskID)", "file_id": "\(export.fileID)"])
        if let latency = scenario.faults.createLatency, latency > .zero {
            // The task exists already: a client that gives up now has created it unknowingly.
            try await Task.sleep(for: latency)
        }
        let answer = JSONValue.object([
            ("task_id", .string(export.taskID)),
            ("record_total_num", .integer(export.recordTotalNum)),
        ])
        return Self.json(answer.serialized(escapingLineSeparators: false))
    }

    /// HSS's create APIs take JSON only (and a JSON `Content-Type` is what makes the SDK sign
    /// the body).
    private static func checkContentType(_ request: Request) throws {
        let contentType = request.headers[.contentType]
        guard let contentType, contentType.lowercased().hasPrefix("application/json") else {
            throw HSSAPIError.unsupportedContentType(contentType)
        }
    }
}
