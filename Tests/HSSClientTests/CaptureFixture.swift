import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging
import TestSupport

/// A client pointed at a ``CaptureServer``, for the create and download tests.
enum CaptureFixture {
    /// The project of the wire examples in exports.md section 1.
    static let projectID = "p1"
    static let accessKey = SimulatorFixture.accessKey
    static let secretKey = SimulatorFixture.secretKey
    static let accessKeyCredentials = SimulatorFixture.accessKeyCredentials
    static let quiet = Logger(label: "hss-client-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a server answering `answers` and a client for it.
    static func withClient<T>(
        _ answers: [CaptureServer.Answer],
        credentials: HSSCredentials = accessKeyCredentials,
        configure: (inout HSSClientConfiguration) -> Void = { _ in },
        _ body: (HSSClient, CaptureServer, TemporaryDirectory) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await CaptureServer.with(answers, in: directory) { server in
            var configuration = HSSClientConfiguration(
                endpoint: .url(server.url), projectID: projectID, credentials: credentials, environment: [:])
            configure(&configuration)
            return try await HSSClient.withClient(configuration: configuration, logger: quiet) { client in
                try await body(client, server, directory)
            }
        }
    }

    /// An endpoint nothing listens on: port 1 of loopback refuses connections.
    static let refusingEndpoint = "http://127.0.0.1:1"
}
