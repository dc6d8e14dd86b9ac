import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging
import TestSupport
import Testing

/// A client pointed at a ``StaticFileServer`` whose directory mimics the API's paths.
enum ForeignServerFixture {
    static let quiet = Logger(label: "hss-client-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Serves a directory laid out like the API's paths, with a client pointed at it.
    static func withServer<T>(
        credentials: HSSCredentials = SimulatorFixture.tokenCredentials,
        configure: (inout HSSClientConfiguration) -> Void = { _ in },
        _ body: (HSSClient, StaticFileServer) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = directory.path + "/v5/\(SimulatorFixture.projectID)/export-task"
        try FileManager.default.createDirectory(atPath: tasks + "/a-directory", withIntermediateDirectories: true)
        try "<html><body>Welcome to the portal</body></html>".write(toFile: tasks + "/html-1", atomically: true, encoding: .utf8)
        try #"["task_id","t"]"#.write(toFile: tasks + "/array-1", atomically: true, encoding: .utf8)
        try #"{"task_id":"extra-1","task_status":"running","progress":50,"file_id":null,"nested":{"task_name":"no"}}"#
            .write(toFile: tasks + "/extra-1", atomically: true, encoding: .utf8)
        let server = try await StaticFileServer.start(directory: directory.path, requestLog: directory.file("requests.jsonl"))
        defer { server.stop() }
        var configuration = HSSClientConfiguration(
            endpoint: .url(server.url), projectID: SimulatorFixture.projectID, credentials: credentials, environment: [:]
        )
        configure(&configuration)
        return try await HSSClient.withClient(configuration: configuration, logger: quiet) { try await body($0, server) }
    }
}
