import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import HSSSimulator
import Logging
import TestSupport
import Testing

/// Failures that retrying cannot fix end the task at once (or after a few attempts), each
/// provoked for real on loopback; what the network may recover from stays transient and
/// fails fast instead of waiting out the connect timeout.
@Suite struct HSSClientFailFastTests {
    static let quiet = ForeignServerFixture.quiet
    static let tlsToolsPresent = ExternalTool.shouldRun("python3") && ExternalTool.shouldRun("openssl")
    static let path = "/v5/\(SimulatorFixture.projectID)/export-task/t-1"

    /// What must never reach a message: BoringSSL's codes, library and source names, and the credentials.
    static let forbidden = [
        "BoringSSL", "OPENSSL", "SSL routines", "error:1", ".cc:", "Error: ", "NIOSSL", "WRONG_VERSION_NUMBER",
        "CERTIFICATE_VERIFY_FAILED", SimulatorFixture.token, SimulatorFixture.secretKey,
    ]

    static func expectClean(_ error: HSSTransportError, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in [error.description, error.recordFailure.message, error.detail] {
            for word in forbidden {
                #expect(!text.contains(word), "'\(word)' in \(text)", sourceLocation: sourceLocation)
            }
        }
    }

    static func configuration(_ endpoint: HSSEndpoint, credentials: HSSCredentials = SimulatorFixture.tokenCredentials) -> HSSClientConfiguration {
        HSSClientConfiguration(endpoint: endpoint, projectID: SimulatorFixture.projectID, credentials: credentials, environment: [:])
    }

    /// Queries task `t-1` once and returns the transport error and how long it took.
    static func failure(_ configuration: HSSClientConfiguration) async throws -> (error: HSSTransportError, elapsed: Duration) {
        try await HSSClient.withClient(configuration: configuration, logger: quiet) { client in
            let started = ContinuousClock.now
            let error = try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("t-1") }
            return (error, ContinuousClock.now - started)
        }
    }

    /// A directory with nothing in it, for a server that only has to answer.
    static func withPlainServer<T>(_ body: (StaticFileServer) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await StaticFileServer.start(directory: directory.path, requestLog: directory.file("requests.jsonl"))
        defer { server.stop() }
        return try await body(server)
    }

    /// An HTTPS server whose certificate (by default for IP 127.0.0.1) comes from a throwaway CA.
    static func withHTTPSServer<T>(
        subjectAltName: String = "IP:127.0.0.1", _ body: (StaticFileServer, TestCertificateAuthority) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let authority = try await TestCertificateAuthority.make(in: directory, subjectAltName: subjectAltName)
        try FileManager.default.createDirectory(atPath: directory.path + "/www", withIntermediateDirectories: true)
        let server = try await StaticFileServer.start(
            directory: directory.path + "/www", requestLog: directory.file("requests.jsonl"),
            tls: (authority.serverCertificate, authority.serverKey)
        )
        defer { server.stop() }
        return try await body(server, authority)
    }

    // MARK: - Permanent

    @Test(.enabled(if: ExternalTool.shouldRun("python3")), arguments: ["https://", ""])
    func plainHTTPEndpointReachedOverTLSIsPermanent(scheme: String) async throws {
        try await Self.withPlainServer { server in
            let (error, _) = try await Self.failure(
                Self.configuration(.url("\(scheme)127.0.0.1:\(server.port)"), credentials: SimulatorFixture.accessKeyCredentials))
            #expect(error.kind == .tlsHandshake, "\(error)")
            #expect(error.tlsProblem == .plainHTTP, "\(error)")
            #expect(error.disposition == .permanent)
            #expect(error.recordFailure.code == "network.tls-handshake")
            #expect(
                error.description
                    == "cannot reach HSS at https://127.0.0.1:\(server.port) for GET \(Self.path): the TLS handshake failed because "
                    + "the endpoint speaks plain HTTP; use http://127.0.0.1:\(server.port)")
            #expect(error.recordFailure.message == error.description)
            Self.expectClean(error)
        }
    }

    @Test func plainHTTPOnTheDefaultPortNamesThePort() async throws {
        // A scheme-less host gets https:// and port 443; the advice spells the port out.
        let error = HSSTransportError(
            kind: .tlsHandshake, endpoint: "https://hss.example.com", method: "GET", path: Self.path, detail: "wrong version number",
            tlsProblem: .plainHTTP)
        #expect(error.host == "hss.example.com")
        #expect(error.port == 443)
        #expect(error.description.hasSuffix("the endpoint speaks plain HTTP; use http://hss.example.com:443"))
        let v6 = HSSTransportError(
            kind: .tlsHandshake, endpoint: "https://[::1]:8443", method: "GET", path: Self.path, detail: "", tlsProblem: .plainHTTP)
        #expect(v6.host == "::1")
        #expect(v6.description.hasSuffix("use http://[::1]:8443"))
    }

    @Test(.enabled(if: tlsToolsPresent))
    func untrustedCertificateIsPermanentAndNamesTheHostAndCAFile() async throws {
        try await Self.withHTTPSServer { server, _ in
            let (error, _) = try await Self.failure(Self.configuration(.url(server.url)))
            #expect(error.kind == .tlsHandshake, "\(error)")
            #expect(error.tlsProblem == .untrustedCertificate, "\(error)")
            #expect(error.disposition == .permanent)
            #expect(error.recordFailure.code == "network.tls-handshake")
            #expect(
                error.description
                    == "cannot reach HSS at \(server.url) for GET \(Self.path): the TLS handshake failed: the certificate presented for "
                    + "127.0.0.1 is not trusted; if 127.0.0.1 or a TLS-inspecting proxy uses a private CA, set ca_file to its PEM bundle "
                    + "(insecure: true disables verification, for tests only)")
            Self.expectClean(error)
        }
    }

    @Test(.enabled(if: tlsToolsPresent))
    func certificateForAnotherNameIsPermanent() async throws {
        // The CA is trusted, but the certificate is issued for hss.example.com, not 127.0.0.1.
        try await Self.withHTTPSServer(subjectAltName: "DNS:hss.example.com") { server, authority in
            var configuration = Self.configuration(.url(server.url))
            configuration.caFile = authority.caCertificate
            let (error, _) = try await Self.failure(configuration)
            #expect(error.kind == .tlsHandshake, "\(error)")
            #expect(error.tlsProblem == .hostnameMismatch, "\(error)")
            #expect(error.disposition == .permanent)
            #expect(
                error.description
                    == "cannot reach HSS at \(server.url) for GET \(Self.path): the TLS handshake failed: the certificate presented for "
                    + "127.0.0.1 is issued for another name; check the endpoint's host name (ca_file only adds trusted CAs "
                    + "and cannot fix a name mismatch; insecure: true disables verification, for tests only)")
            Self.expectClean(error)
        }
    }

    // MARK: - Retried a few times

    @Test func unresolvableHostIsRetriedAtMostThreeTimesAndNamesTheHost() async throws {
        let (error, _) = try await Self.failure(
            Self.configuration(.url("https://hss.cn-nrth-4.nonexistent.invalid"), credentials: SimulatorFixture.accessKeyCredentials))
        #expect(error.kind == .hostNotFound, "\(error)")
        #expect(error.disposition == .transientAtMost(attempts: 3))
        #expect(error.recordFailure.code == "network.host-not-found")
        #expect(
            error.description.hasPrefix(
                "cannot reach HSS at https://hss.cn-nrth-4.nonexistent.invalid for GET \(Self.path): "
                    + "the host name hss.cn-nrth-4.nonexistent.invalid does not resolve"),
            "\(error)")
        #expect(
            error.description.hasSuffix(
                "check the region or endpoint spelling (region R is served at hss.R.myhuaweicloud.com, "
                    + "so a misspelt region gives a host that does not exist) and the DNS settings"))
        Self.expectClean(error)
    }

    @Test func unresolvableProxyIsRetriedAtMostThreeTimesAndNamesTheProxy() async throws {
        var configuration = Self.configuration(.url("https://hss.cn-north-4.myhuaweicloud.com"))
        configuration.environment = ["HTTPS_PROXY": "http://user:proxy-password@proxy.nonexistent.invalid:3128"]
        let (error, _) = try await Self.failure(configuration)
        #expect(error.kind == .hostNotFound, "\(error)")
        #expect(error.disposition == .transientAtMost(attempts: 3))
        #expect(
            error.description.hasPrefix(
                "cannot reach HSS at https://hss.cn-north-4.myhuaweicloud.com via proxy http://user:<redacted>@proxy.nonexistent.invalid:3128 "
                    + "(from HTTPS_PROXY) for GET \(Self.path): the proxy's host name does not resolve"),
            "\(error)")
        #expect(error.description.hasSuffix("check the proxy host in HTTPS_PROXY/HTTP_PROXY and the DNS settings"))
        #expect(!error.description.contains("proxy-password"))
        Self.expectClean(error)
    }

    // MARK: - Transient, and fast

    @Test func refusedConnectionFailsFastWithTheDefaultConnectTimeout() async throws {
        // Port 1 (tcpmux) is never served on a test machine. The connect timeout is the
        // default 10 s: a refused connection must not wait it out.
        let configuration = Self.configuration(.url("http://127.0.0.1:1"))
        #expect(configuration.connectTimeout == .seconds(10))
        try await HSSClient.withClient(configuration: configuration, logger: Self.quiet) { client in
            // Twice on the same client: the pool is not left stuck after a failed connect.
            for _ in 0..<2 {
                // Refused, not a connect timeout: no 10 s wait (speed is measured, not asserted).
                let error = try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("t-1") }
                #expect(error.kind == .connectionRefused, "\(error)")
                #expect(error.disposition == .transient)
                Self.expectClean(error)
            }
        }
    }

    @Test func clientRecoversWhenTheRefusingPortStartsServing() async throws {
        // A free port: the simulator picks one and stops.
        let port = try await HSSSimulator.withRunning(HSSSimulatorConfiguration(logger: Self.quiet)) { url, _ in url.port ?? 0 }
        try #require(port != 0)
        let configuration = Self.configuration(.url("http://127.0.0.1:\(port)"))
        try await HSSClient.withClient(configuration: configuration, logger: Self.quiet) { client in
            let error = try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("done-1") }
            #expect(error.kind == .connectionRefused, "\(error)")
            let serving = HSSSimulatorConfiguration(port: port, scenario: try SimulatorFixture.scenario(), logger: Self.quiet)
            let status = try await HSSSimulator.withRunning(serving) { _, _ in try await client.queryExportTask("done-1") }
            #expect(status.taskStatus == "success")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func resetConnectionIsTransient() async throws {
        let server = try await RudeServer.start(.reset)
        defer { server.stop() }
        let (error, _) = try await Self.failure(Self.configuration(.url("http://127.0.0.1:\(server.port)")))
        #expect(error.kind == .connectionClosed, "\(error)")
        #expect(error.disposition == .transient)
        Self.expectClean(error)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func silentServerTimesOutTransiently() async throws {
        let server = try await RudeServer.start(.silent)
        defer { server.stop() }
        var configuration = Self.configuration(.url("http://127.0.0.1:\(server.port)"))
        configuration.requestTimeout = .seconds(1)
        let (error, _) = try await Self.failure(configuration)
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.disposition == .transient)
        #expect(error.description.contains("no response within 1 s"))
    }

    @Test func serverErrorStaysTransient() async throws {
        let error = try await SimulatorFixture.withClient { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("flaky-1") }
        }
        #expect(error.status == 503)
        #expect(error.disposition == .transient)
    }

    @Test(arguments: [
        HSSTransportError.Kind.connectionRefused, .timeout, .connectionClosed, .proxy, .other, .tlsHandshake,
    ])
    func otherTransportFailuresStayTransient(kind: HSSTransportError.Kind) {
        // A TLS failure of unknown cause (EOF during the handshake) may be a middlebox's hiccup.
        let error = HSSTransportError(kind: kind, endpoint: "https://hss.example.com", method: "GET", path: Self.path, detail: "x")
        #expect(error.disposition == .transient)
    }
}

/// A TCP server on loopback that never answers HTTP: it resets every connection once the
/// request arrives, or keeps it open without a word.
final class RudeServer: Sendable {
    enum Manner: String {
        case reset, silent
    }

    let port: Int
    private let process: RunningProcess

    private init(process: RunningProcess, port: Int) {
        self.process = process
        self.port = port
    }

    static let program = """
        import os, socket, struct, sys, threading
        manner = sys.argv[1]
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        held = []
        def serve():
            while True:
                connection, _ = listener.accept()
                if manner == "reset":
                    connection.recv(65536)
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    connection.close()
                else:
                    held.append(connection)
        threading.Thread(target=serve, daemon=True).start()
        print(listener.getsockname()[1], flush=True)
        sys.stdin.read()
        os._exit(0)
        """

    static func start(_ manner: Manner) async throws -> RudeServer {
        let python = try ExternalTool.require("python3", package: "python3")
        let process = try ProcessRunner.start(python, ["-u", "-c", program, manner.rawValue])
        let line = (try? await process.firstLine()) ?? process.standardError
        guard let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            process.closeInput()
            process.terminate(grace: .seconds(5))
            throw StaticFileServer.ServerStartError(output: line)
        }
        return RudeServer(process: process, port: port)
    }

    func stop() {
        process.closeInput()
        process.terminate(grace: .seconds(5))
    }
}
