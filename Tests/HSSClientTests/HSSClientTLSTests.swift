import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import InMemoryLogging
import Logging
import TestSupport
import Testing

/// TLS settings against a real HTTPS server (Python's `http.server` behind `ssl`) whose
/// certificate comes from a private CA, as behind a TLS-inspecting proxy.
@Suite struct HSSClientTLSTests {
    static let enabled = ExternalTool.shouldRun("python3") && ExternalTool.shouldRun("openssl")

    /// Runs `body` with an HTTPS server whose directory answers task `tls-1`.
    func withHTTPSServer<T>(_ body: (StaticFileServer, TestCertificateAuthority) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let authority = try await TestCertificateAuthority.make(in: directory)
        let tasks = directory.path + "/www/v5/\(SimulatorFixture.projectID)/export-task"
        try FileManager.default.createDirectory(atPath: tasks, withIntermediateDirectories: true)
        try #"{"task_id":"tls-1","task_status":"success"}"#.write(toFile: tasks + "/tls-1", atomically: true, encoding: .utf8)
        let server = try await StaticFileServer.start(
            directory: directory.path + "/www", requestLog: directory.file("requests.jsonl"),
            tls: (authority.serverCertificate, authority.serverKey)
        )
        defer { server.stop() }
        return try await body(server, authority)
    }

    func query(_ server: StaticFileServer, logger: Logger = ForeignServerFixture.quiet, configure: (inout HSSClientConfiguration) -> Void = { _ in })
        async throws -> TaskStatus
    {
        var configuration = HSSClientConfiguration(
            endpoint: .url(server.url), projectID: SimulatorFixture.projectID, credentials: SimulatorFixture.tokenCredentials,
            environment: [:]
        )
        configure(&configuration)
        return try await HSSClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.queryExportTask("tls-1")
        }
    }

    @Test(.enabled(if: enabled))
    func untrustedCertificateIsATLSErrorThatSuggestsTheCAFile() async throws {
        let error = try await withHTTPSServer { server, _ in
            try await #require(throws: HSSTransportError.self) { try await query(server) }
        }
        #expect(error.kind == .tlsHandshake, "\(error)")
        #expect(error.disposition == .permanent)
        #expect(error.recordFailure.code == "network.tls-handshake")
        #expect(error.description.contains("the TLS handshake failed"))
        #expect(error.description.hasSuffix("set ca_file to its PEM bundle (insecure: true disables verification, for tests only)"))
    }

    @Test(.enabled(if: enabled))
    func caFileMakesThePrivateCATrusted() async throws {
        let status = try await withHTTPSServer { server, authority in
            try await query(server) { $0.caFile = authority.caCertificate }
        }
        #expect(status == TaskStatus(taskID: "tls-1", taskStatus: "success"))
    }

    @Test(.enabled(if: enabled))
    func insecureSkipsVerificationAndWarns() async throws {
        let (logger, lines) = InMemoryLogHandler.logger(level: .info)
        let status = try await withHTTPSServer { server, _ in
            try await query(server, logger: logger) { $0.insecure = true }
        }
        #expect(status.taskStatus == "success")
        let warnings = lines.lines.filter { $0.hasPrefix("warning ") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("TLS certificate verification is disabled") == true)
    }
}
