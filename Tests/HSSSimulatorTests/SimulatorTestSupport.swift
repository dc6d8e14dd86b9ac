import Foundation
import HSSSigning
import HSSSimulator
import Logging
import TestSupport

/// Runs a simulator with `scenario` on 127.0.0.1, port 0, for the duration of `body`.
func withSimulator<T: Sendable>(
    _ scenario: SimulatorScenario = .default,
    _ body: @escaping @Sendable (HTTPTestClient, HSSSimulator) async throws -> T
) async throws -> T {
    try await TestSupport.withSimulator(scenario) { url, simulator in
        try await body(HTTPTestClient(baseURL: url), simulator)
    }
}

/// A scenario with the default credentials and the given tasks (YAML list items).
func scenario(tasks: String, extra: String = "") throws -> SimulatorScenario {
    try SimulatorScenario(
        yaml: """
            project_id: \(HTTPTestClient.projectID)
            tokens: [demo-token, second-token]
            access_keys:
              - {access_key: HPUAEXAMPLEAK0000001, secret_key: ExampleSecretKey0000000000000000000000000}
            \(extra)
            tasks:
            \(tasks)
            """)
}

let exampleCredentials = AccessKeyCredentials(
    accessKey: "HPUAEXAMPLEAK0000001",
    secretKey: "ExampleSecretKey0000000000000000000000000"
)

func taskPath(_ taskID: String, project: String = HTTPTestClient.projectID) -> String {
    HSSPercentEncoding.encodePathSegments(["v5", project, "export-task", taskID])
}
