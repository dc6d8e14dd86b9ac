import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging
import TestSupport
import Testing

/// Failures without an HTTP response, provoked for real on loopback.
@Suite struct HSSClientTransportTests {
    static let quiet = Logger(label: "hss-client-test", factory: { _ in SwiftLogNoOpLogHandler() })

    func configuration(_ endpoint: String, environment: [String: String] = [:]) -> HSSClientConfiguration {
        HSSClientConfiguration(
            endpoint: .url(endpoint), projectID: SimulatorFixture.projectID, credentials: SimulatorFixture.tokenCredentials,
            connectTimeout: .seconds(3), environment: environment
        )
    }

    @Test func connectionRefusedIsTransientAndNamesTheEndpoint() async throws {
        // Port 1 (tcpmux) is never served on a test machine.
        let error = try await HSSClient.withClient(configuration: configuration("http://127.0.0.1:1"), logger: Self.quiet) { client in
            try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("done-1") }
        }
        #expect(error.kind == .connectionRefused, "\(error)")
        #expect(error.disposition == .transient)
        #expect(
            error.description.hasPrefix(
                "cannot reach HSS at http://127.0.0.1:1 for GET /v5/\(SimulatorFixture.projectID)/export-task/done-1: connection refused"))
        #expect(error.recordFailure.code == "network.connection-refused")
    }

    @Test func unresolvableHostIsReported() async throws {
        let error = try await HSSClient.withClient(configuration: configuration("http://hss.example.invalid"), logger: Self.quiet) { client in
            try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("done-1") }
        }
        #expect(error.kind == .hostNotFound, "\(error)")
        #expect(error.description.contains("check the region or endpoint spelling"))
    }

    @Test func proxyFromTheEnvironmentIsUsedAndReported() async throws {
        // The proxy port refuses connections, so the failure names the proxy, not the endpoint.
        let environment = ["HTTP_PROXY": "http://127.0.0.1:1"]
        let error = try await HSSClient.withClient(
            configuration: configuration("http://hss.example.com", environment: environment), logger: Self.quiet
        ) { client in
            #expect(client.proxy?.host == "127.0.0.1")
            return try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("done-1") }
        }
        #expect(error.proxy == "http://127.0.0.1:1 (from HTTP_PROXY)")
        #expect(error.description.contains("via proxy http://127.0.0.1:1 (from HTTP_PROXY)"))
    }

    @Test func invalidSettingsFailAtCreation() throws {
        let missingCA = configuration("https://hss.example.com")
        var withCA = missingCA
        withCA.caFile = "/nonexistent/ca.pem"
        let caError = try #require(throws: HSSConfigurationError.self) { _ = try HSSClient(configuration: withCA, logger: Self.quiet) }
        #expect(
            caError.description
                == "ca_file '/nonexistent/ca.pem' does not exist or is not readable; point it at a PEM bundle containing -----BEGIN CERTIFICATE----- blocks"
        )

        var emptyProject = missingCA
        emptyProject.projectID = ""
        #expect(throws: HSSConfigurationError.self) { _ = try HSSClient(configuration: emptyProject, logger: Self.quiet) }

        var emptyToken = missingCA
        emptyToken.credentials = .token(" \n")
        #expect(throws: HSSConfigurationError.self) { _ = try HSSClient(configuration: emptyToken, logger: Self.quiet) }

        var badProxy = missingCA
        badProxy.environment = ["HTTPS_PROXY": "ftp://proxy"]
        #expect(throws: HSSConfigurationError.self) { _ = try HSSClient(configuration: badProxy, logger: Self.quiet) }
    }

    @Test func caFileWithoutCertificatesIsRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("not a certificate\n", to: "ca.pem")
        let path = directory.file("ca.pem")
        var configuration = configuration("https://hss.example.com")
        configuration.caFile = path
        let error = try #require(throws: HSSConfigurationError.self) { _ = try HSSClient(configuration: configuration, logger: Self.quiet) }
        #expect(error.setting == "ca_file")
        #expect(error.value == path)
    }
}
