import Foundation
import HSSSigning
import HSSSimulator
import Testing

/// `/v5/{project}/<path>`, encoded as the SDK encodes it.
func createPath(_ path: String, project: String = HTTPTestClient.projectID) -> String {
    "/v5/\(project)/\(path)"
}

/// A create request that the simulator accepts, per route.
struct CreateCase: Sendable, CustomTestStringConvertible {
    var operation: String
    var path: String
    var query: [(name: String, value: String)]
    var body: String
    var testDescription: String { operation }

    static let vulnerabilities = CreateCase(
        operation: "ExportVuls", path: "vul/export", query: [(name: "category", value: "vul"), (name: "export_size", value: "100")],
        body: #"{"export_headers": [["vul_name", "Vulnerability"], ["cve_ids", "CVE"]]}"#)
    static let events = CreateCase(
        operation: "ExportEventRequest", path: "event/export",
        query: [
            (name: "category", value: "host"), (name: "event_id", value: "e1"), (name: "event_types", value: "1001"),
            (name: "event_types", value: "4002"), (name: "last_days", value: "7"),
        ],
        body: #"[["event_name", "Alarm"], ["severity", "Severity"]]"#)
    static let assets = CreateCase(
        operation: "DownloadAssetFile", path: "asset/export", query: [(name: "asset_type", value: "port"), (name: "category", value: "host")],
        body: #"{"export_headers": [["host_name", "Host"], ["port", "Port"]]}"#)
    static let baseline = CreateCase(
        operation: "ExportBaselineSecurityCheckReport", path: "baseline/export", query: [],
        body: #"{"export_headers": [["check_name", "Check"]], "category": "weak-password", "export_size": 500}"#)
    static let containers = CreateCase(
        operation: "ExportContainerList", path: "container/export-task", query: [(name: "export_size", value: "1000")],
        body: #"{"export_headers": [["container_name", "Container"], ["status", "Status"]]}"#)
    static let report = CreateCase(
        operation: "ExportTaskInfo", path: "export-task", query: [],
        body: #"{"type": "operational-report", "operational_report_data": {"report_id": "2024-05"}}"#)

    static let all: [CreateCase] = [vulnerabilities, events, assets, baseline, containers, report]

    /// This case with a query parameter changed (`nil` drops it).
    func setting(_ name: String, _ value: String?) -> CreateCase {
        var copy = self
        copy.query.removeAll { $0.name == name }
        if let value { copy.query.append((name: name, value: value)) }
        return copy
    }

    func with(body: String) -> CreateCase {
        var copy = self
        copy.body = body
        return copy
    }
}

extension HTTPTestClient {
    /// Sends a create request signed with the example access key.
    func create(_ request: CreateCase) async throws -> HTTPTestResponse {
        try await postSigned(path: createPath(request.path), query: request.query, body: request.body, credentials: exampleCredentials)
    }

    /// Creates and returns the new task id, failing the test on anything but 200.
    func createTask(_ request: CreateCase) async throws -> String {
        let response = try await create(request)
        guard response.status == 200 else { throw TestFailure("create \(request.operation) answered \(response.status): \(response.text)") }
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        return try #require(object["task_id"] as? String)
    }

    /// The task's fields, polled once with the token.
    func poll(_ taskID: String) async throws -> [String: String] {
        try await getWithToken(taskPath(taskID)).json()
    }

    /// A JSON control route, decoded.
    func control(_ path: String) async throws -> [String: Any] {
        let response = try await get(path)
        guard response.status == 200, let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw TestFailure("\(path) answered \(response.status): \(response.text)")
        }
        return object
    }
}

func downloadPath(_ fileID: String) -> String {
    HSSPercentEncoding.encodePathSegments(["v5", HTTPTestClient.projectID, "download", fileID])
}
