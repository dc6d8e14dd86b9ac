import Foundation
import HSSClient
import HSSSigning
import HSSSimulator
import Logging
import TestSupport

/// The scenario and credentials the client tests run the simulator with.
enum SimulatorFixture {
    static let projectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    static let token = "client-test-token-5d1e0c"
    static let accessKey = "HPUAEXAMPLEAK0000001"
    static let secretKey = "ExampleSecretKey0000000000000000000000000"
    /// A task id that needs percent-encoding in a path segment.
    static let awkwardTaskID = "dir/sub task ü"

    static let tokenCredentials = HSSCredentials.token(token)
    static let accessKeyCredentials = HSSCredentials.accessKey(AccessKeyCredentials(accessKey: accessKey, secretKey: secretKey))

    static func scenarioYAML(rateLimit: String = "{requests: 1000, per: 60s}") -> String {
        """
        project_id: \(projectID)
        tokens: [\(token)]
        access_keys:
          - access_key: \(accessKey)
            secret_key: \(secretKey)
        rate_limit: \(rateLimit)
        tasks:
          - id: done-1
            name: Done task
            file_id: file-done-1
            file_name: done.zip
            script: [{status: success}]
          - id: slow-1
            name: Slow task
            script:
              - {status: running, polls: 3}
              - {status: success}
          - id: failed-1
            script: [{status: failure}]
          - id: new-status-1
            script: [{status: exporting}]
          - id: flaky-1
            script:
              - {http_status: 503, polls: 1}
              - {status: success}
          - id: busy-1
            script:
              - {http_status: 429, polls: 1}
              - {status: success}
          - id: "\(awkwardTaskID)"
            name: "Awkward, \\"quoted\\" name"
            file_id: "file/awkward 1"
            script: [{status: success}]
        """
    }

    static func scenario(rateLimit: String = "{requests: 1000, per: 60s}") throws -> SimulatorScenario {
        try SimulatorScenario(yaml: scenarioYAML(rateLimit: rateLimit), sourceName: "client-tests")
    }

    /// Runs a simulator with the fixture scenario and a client pointed at it; the client is
    /// shut down and the simulator stopped afterwards.
    static func withClient<T: Sendable>(
        credentials: HSSCredentials = tokenCredentials,
        scenario: SimulatorScenario? = nil,
        logger: Logger = Logger(label: "hss-client-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: @escaping @Sendable (inout HSSClientConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (HSSClient, HSSSimulator, URL) async throws -> T
    ) async throws -> T {
        let scenario = try scenario ?? self.scenario()
        return try await withSimulator(scenario) { url, simulator in
            var configuration = HSSClientConfiguration(
                endpoint: .url(url.absoluteString),
                projectID: projectID,
                credentials: credentials,
                environment: [:]
            )
            configure(&configuration)
            return try await HSSClient.withClient(configuration: configuration, logger: logger) { client in
                try await body(client, simulator, url)
            }
        }
    }
}
