public import Foundation
import HSSSigning
import Hummingbird
import Logging
import ServiceLifecycle

/// An HSS API server on loopback for the demo and tests, speaking the real wire protocol so
/// that the official Python SDK works against it.
///
/// Routes (paths are matched raw, then path parameters are percent-decoded):
/// - `GET /v5/{project_id}/export-task/{task_id}` → 200 `{"task_id", "task_name",
///   "task_status", "file_id", "file_name"}`, the next answer of the task's script;
/// - `GET /v5/{project_id}/download/{file_id}` → 200 `application/octet-stream`, a zip
///   (streamed, sized by the export template, for created tasks);
/// - `POST /v5/{project_id}/` + `vul/export`, `event/export`, `asset/export`,
///   `baseline/export`, `container/export-task`, `export-task` → 200 `{"task_id",
///   "record_total_num"}`, a new task that polls by the scenario's export template;
/// - with a scenario `metadata` key, the ECS metadata service: `PUT
///   /meta-data/latest/api/token` and `GET /openstack/latest/securitykey`, temporary keys
///   that expire after `metadata.ttl`;
/// - IAM: `POST /v3/auth/tokens` (password logins of `iam.users`) and `GET
///   /v3/projects[?name=]` (the scenario's projects).
///
/// HSS routes accept the id of every project of the scenario (`project_id` and `projects`);
/// exports belong to the project they were created in.
///
/// Authentication: `X-Auth-Token` with a scenario token or an IAM-issued one, or
/// `Authorization: SDK-HMAC-SHA256 …` verified against the scenario's access keys or the
/// metadata service's temporary keys (with `X-Security-Token`; the signature covers the
/// body). Each user (token, access key, IAM user, the agency) gets the scenario's rate limit
/// per API, across projects: queries, downloads and each create route; with
/// `rate_limit_per_ip`, each source IP too. Every response carries `X-Request-Id`.
///
/// Errors are `{"error_code": …, "error_msg": …}`:
///
/// | Status | error_code | When |
/// |---|---|---|
/// | 400 | `HSS.1001` | a create request with a missing or invalid parameter (named) |
/// | 400 | `HSS.1002` | `X-Project-Id` differs from the path's project id |
/// | 401 | `APIG.0301` | missing or invalid token or signature, unknown access key, bad or skewed `X-Sdk-Date`, a temporary key without its `X-Security-Token`, an IAM token of another project |
/// | 401 | `APIG.0307` | an expired IAM token or temporary key (counted in `expiredCredentialRejections`) |
/// | 404 | `APIG.0101` | no such route or method |
/// | 404 | `HSS.1004` | unknown project id |
/// | 404 | `HSS.1059` | unknown task id |
/// | 404 | `HSS.1060` | unknown file id |
/// | 429 | `APIG.0308` | rate limit exceeded; `Retry-After` in whole seconds |
/// | 4xx/5xx | as scripted | an `http_status` script step; default `HSS.1000` (5xx), `HSS.1001` (4xx), `APIG.0308` (429) |
/// | 500 | `HSS.1000` | a simulator bug |
///
/// Checks run in that order: route, authentication, the scenario's fault rules (`faults: {query, create,
/// download}`, see docs/faults.md), rate limit, project, task or file.
public final class HSSSimulator: Sendable {
    /// The configuration the simulator was created with.
    public let configuration: HSSSimulatorConfiguration
    private let state: SimulatorState

    /// Creates a simulator; nothing listens until ``run(onReady:)``.
    /// - Parameter configuration: Address, scenario and logging.
    public init(configuration: HSSSimulatorConfiguration = HSSSimulatorConfiguration()) {
        self.configuration = configuration
        state = SimulatorState(scenario: configuration.scenario)
    }

    /// The counters so far: requests, throttled requests, polls per task, downloads per file,
    /// creations per export.
    public var statistics: SimulatorStatistics {
        get async { await state.snapshot }
    }

    /// Every request a create route received so far, in order, as it arrived.
    public var creations: [SimulatorCreation] {
        get async { await state.creations }
    }

    /// Serves until the surrounding task is cancelled, then shuts down gracefully (requests
    /// in flight are answered).
    ///
    /// - Parameter onReady: Called once with the base URL (`http://127.0.0.1:PORT`) when the
    ///   server is listening. It runs concurrently with the server, so it may make requests;
    ///   it is cancelled when the server stops.
    /// - Throws: When the server cannot start: ``SimulatorListenError`` when the address
    ///   cannot be listened on (the port is taken, the host is not local), else the server's error.
    public func run(onReady: @escaping @Sendable (URL) async -> Void) async throws {
        let (ready, readyContinuation) = AsyncStream.makeStream(of: URL.self)
        let application = makeApplication { url in
            readyContinuation.yield(url)
            readyContinuation.finish()
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: configuration.logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await url in ready {
                    await onReady(url)
                    return
                }
            }
            do {
                try await Self.runUntilCancelled(serviceGroup, stopping: state.stopping)
            } catch {
                readyContinuation.finish()
                group.cancelAll()
                throw SimulatorListenError(error, host: configuration.host, port: configuration.port) ?? error
            }
            readyContinuation.finish()
            group.cancelAll()
        }
    }

    /// Starts a simulator, waits until it listens (up to the configured startup timeout),
    /// runs `body` with its base URL, then shuts it down gracefully, also when `body` throws.
    /// - Parameters:
    ///   - configuration: Address, scenario and logging.
    ///   - body: The work to do while the simulator runs.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, the server's start-up error, or ``HSSSimulatorError``.
    public static func withRunning<T: Sendable>(
        _ configuration: HSSSimulatorConfiguration,
        _ body: @Sendable (URL, HSSSimulator) async throws -> T
    ) async throws -> T {
        let simulator = HSSSimulator(configuration: configuration)
        let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await simulator.run { url in continuation.yield(url) }
            }
            let url: URL
            do {
                url = try await firstURL(urls, configuration: configuration)
            } catch {
                group.cancelAll()
                // The server's own error (say, address in use) explains more than ours.
                while !group.isEmpty {
                    try await group.next()
                }
                throw error
            }
            let result: T
            do {
                result = try await body(url, simulator)
            } catch {
                group.cancelAll()
                while !group.isEmpty {
                    _ = try? await group.next()
                }
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    private static func firstURL(_ urls: AsyncStream<URL>, configuration: HSSSimulatorConfiguration) async throws -> URL {
        try await withThrowingTaskGroup(of: URL?.self) { group in
            group.addTask {
                for await url in urls {
                    return url
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: configuration.startupTimeout)
                throw HSSSimulatorError.startupTimedOut(host: configuration.host, port: configuration.port, timeout: configuration.startupTimeout)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let url = first else {
                throw HSSSimulatorError.stoppedBeforeListening(host: configuration.host, port: configuration.port)
            }
            return url
        }
    }

    /// Runs the service group in an unstructured task so that cancelling the caller
    /// becomes a graceful shutdown instead of cancelling the server mid-request.
    private static func runUntilCancelled(_ serviceGroup: ServiceGroup, stopping: StopSignal) async throws {
        let runner = Task {
            try await serviceGroup.run()
        }
        try await withTaskCancellationHandler {
            try await runner.value
        } onCancel: {
            // Stalled and dripping fault answers end now, or the graceful shutdown would wait for them.
            stopping.raise()
            Task {
                await serviceGroup.triggerGracefulShutdown()
            }
        }
    }

    private func makeApplication(onListening: @escaping @Sendable (URL) -> Void) -> some ApplicationProtocol {
        let scenario = configuration.scenario
        let router = Router(context: SimulatorRequestContext.self)
        router.add(middleware: RequestIDMiddleware(state: state, latency: scenario.latency))
        let authentication = AuthenticationMiddleware(scenario: scenario, state: state, maximumClockSkew: configuration.maximumClockSkew)
        let api = router.group("v5/:project_id").add(middleware: authentication)
        SimulatorRoutes(scenario: scenario, state: state).register(on: api)
        IAMRoutes(scenario: scenario, state: state).register(on: router, authentication: authentication)
        if let metadata = scenario.metadata {
            MetadataRoutes(metadata: metadata, state: state).register(on: router)
        }

        let host = configuration.host
        let logger = configuration.logger
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // An IPv6 literal needs brackets in a URL.
                let urlHost = host.contains(":") ? "[\(host)]" : host
                guard let url = URL(string: "http://\(urlHost):\(port)") else { return }
                logger.info("HSS simulator listening", metadata: ["url": "\(url.absoluteString)"])
                onListening(url)
            },
            logger: logger
        )
    }
}
