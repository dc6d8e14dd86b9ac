import AsyncHTTPClient
public import ExportPipeline
import ExportStageKit
import Foundation
import HSSSigning
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// A client of the HSS v5 export-task API, and the pipeline's ``ExportTaskService``:
/// it polls tasks (``queryExportTask(_:)``), creates them (``createExport(_:)``) and
/// downloads their files (``downloadFile(_:to:maximumBytes:)``).
///
/// One instance holds one HTTP connection pool for the whole run, so polls reuse
/// connections. Call ``shutdown()`` when done (or use ``withClient(configuration:logger:isolation:_:)``,
/// which always does): the pool's connections and threads are released only then, and a
/// client dropped without it trips an assertion in debug builds.
///
/// ```swift
/// let status = try await HSSClient.withClient(configuration: configuration) { client in
///     try await client.queryExportTask("t-42")
/// }
/// ```
///
/// Errors are ``HSSAPIError`` (HSS answered 4xx/5xx), ``HSSTransportError`` (no
/// response) and ``HSSResponseError`` (an unusable response); each says whether retrying
/// helps. No token, secret key or signature ever appears in an error or a log line.
public final class HSSClient: ExportTaskService, Sendable {

    /// The largest task response accepted; a Task object is a few hundred bytes.
    static let maximumTaskResponseBytes = 1 << 20

    /// The settings the client was created with.
    public let configuration: HSSClientConfiguration
    /// The base URL requests go to.
    public let endpoint: ResolvedEndpoint
    /// The proxy requests go through, chosen from the environment.
    public let proxy: HTTPProxySetting?

    let httpClient: HTTPClient
    let logger: Logger
    let authentication: Authentication
    /// The secrets of credentials a provider handed out (refreshed keys and
    /// tokens), so an error echoing one is redacted like the fixed ones.
    let issuedSecrets = Mutex<Set<String>>([])

    /// How requests are authenticated, prepared once.
    enum Authentication: Sendable {
        case token(String)
        case signer(SDKHMACSigner)
    }

    /// Creates a client: resolves the endpoint, picks the proxy, loads the CA file and
    /// starts the connection pool. No request is sent yet.
    ///
    /// - Parameters:
    ///   - configuration: Endpoint, project, credentials, TLS, timeouts.
    ///   - logger: Receives one debug line per request (method, path, status, request id,
    ///     duration) and a warning when TLS verification is off.
    /// - Throws: ``HSSConfigurationError`` for an invalid setting (endpoint, project id,
    ///   credentials, CA file, proxy variable).
    public init(configuration: HSSClientConfiguration, logger: Logger = Logger(label: "hss-export.client")) throws {
        let endpoint = try configuration.endpoint.resolve(environment: configuration.environment)
        let proxy = try HTTPProxySetting.select(for: endpoint, environment: configuration.environment)
        try Self.validate(projectID: configuration.projectID)
        let authentication = try Self.authentication(for: configuration.credentials)

        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            tls.additionalTrustRoots = [.certificates(try Self.loadCertificates(caFile))]
        }
        if configuration.insecure {
            tls.certificateVerification = .none
            if endpoint.usesTLS {
                logger.warning(
                    "TLS certificate verification is disabled (insecure); anyone on the network path can read and alter HSS traffic",
                    metadata: ["endpoint": "\(endpoint)"]
                )
            }
        }

        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            // The SDK does not follow redirects either; a redirect means a wrong endpoint,
            // and following it would send the credentials to another host.
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.connectTimeout)),
            proxy: proxy.map { proxy in
                let authorization = proxy.username.map {
                    HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "")
                }
                return .server(host: proxy.host, port: proxy.port, authorization: authorization)
            },
            decompression: .disabled
        )
        // The SDK speaks HTTP/1.1, and the signature covers the Host header; HTTP/2 would
        // turn it into :authority, which the gateway may canonicalise differently.
        httpConfiguration.httpVersion = .http1Only
        // By default the pool retries a failed connect with backoff until the connect timeout
        // runs out, so a refused connection, an unknown host or a failed TLS handshake took the
        // whole timeout (10 s) and hid the cause behind it. The waiter retries with its own
        // backoff and budget, and gives up on what retrying cannot fix: fail at once instead.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false

        self.configuration = configuration
        self.endpoint = endpoint
        self.proxy = proxy
        self.logger = logger
        self.authentication = authentication
        self.httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: httpConfiguration,
            backgroundActivityLogger: logger.forLibrary
        )
        if let proxy {
            logger.debug("using HTTP proxy", metadata: ["proxy": "\(proxy)"])
        }
    }

    /// Closes the connection pool. Call it exactly once, after the last request.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Creates a client, runs `body` with it, and shuts it down, also when `body` throws.
    public static func withClient<Result>(
        configuration: HSSClientConfiguration,
        logger: Logger = Logger(label: "hss-export.client"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (HSSClient) async throws -> Result
    ) async throws -> Result {
        let client = try HSSClient(configuration: configuration, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    private static func validate(projectID: String) throws {
        let valid = !projectID.isEmpty && projectID.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
        guard valid else {
            throw HSSConfigurationError(
                setting: "project_id", value: projectID, problem: "is empty or contains whitespace",
                fix: "use the project id of the region (IAM console > My Credentials > Projects), e.g. 0a1b2c3d4e5f60718293a4b5c6d7e8f9"
            )
        }
    }

    static func authentication(for credentials: HSSCredentials) throws -> Authentication {
        switch credentials {
        case .token(let raw):
            // A token read from a file usually ends with a newline.
            let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw HSSConfigurationError(
                    setting: "token", value: "", problem: "is empty", fix: "set a valid IAM user token (the X-Subject-Token of POST /v3/auth/tokens)")
            }
            guard !token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw HSSConfigurationError(
                    setting: "token", value: "<redacted>", problem: "contains a control character or line break",
                    fix: "check the token file: it should hold only the token")
            }
            return .token(token)
        case .accessKey(let keys):
            guard !keys.accessKey.isEmpty else {
                throw HSSConfigurationError(
                    setting: "access_key", value: "", problem: "is empty", fix: "set the access key id (AK), e.g. from HUAWEICLOUD_SDK_AK")
            }
            guard !keys.secretKey.isEmpty else {
                throw HSSConfigurationError(
                    setting: "secret_key", value: "", problem: "is empty", fix: "set the secret access key (SK), e.g. from HUAWEICLOUD_SDK_SK")
            }
            return .signer(SDKHMACSigner(credentials: keys))
        }
    }

    private static func loadCertificates(_ path: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            let readable = FileManager.default.isReadableFile(atPath: path)
            throw HSSConfigurationError(
                setting: "ca_file", value: path,
                problem: readable ? "is not a PEM file of certificates (\(error))" : "does not exist or is not readable",
                fix: "point it at a PEM bundle containing -----BEGIN CERTIFICATE----- blocks"
            )
        }
        guard !certificates.isEmpty else {
            throw HSSConfigurationError(
                setting: "ca_file", value: path, problem: "contains no certificate",
                fix: "point it at a PEM bundle containing -----BEGIN CERTIFICATE----- blocks"
            )
        }
        return certificates
    }
}
