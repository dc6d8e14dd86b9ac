import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator
import Logging
import TestSupport

/// Runs the built `hss-export` binary as a user would, against an
/// in-process simulator whose request counters the tests can read.
enum BinaryHarness {
    static let token = "binary-test-token-5f1c9a7e3b"
    static let projectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    static let scenarioYAML = """
        project_id: \(projectID)
        tokens: [\(token)]
        access_keys:
          - {access_key: HPUAEXAMPLEAK0000001, secret_key: ExampleSecretKey0000000000000000000000000}
        rate_limit: {requests: 1000, per: 60s}
        tasks:
          - id: ok-1
            name: first
            script: [{status: running, polls: 2}, {status: success}]
          - id: ok-2
            name: second
            script: [{status: success}]
          - id: bad-3
            name: third
            script: [{status: running, polls: 1}, {status: failure}]
          - id: forever
            name: never finishes
            script: [{status: running}]
        """

    /// ``scenarioYAML`` with an export template, for the pipelines that create exports.
    static let exportingScenarioYAML =
        scenarioYAML + """

            export_template:
              script: [{status: success}]
            """

    /// The `wait` block of the pipelines: fast polls, a timeout no test
    /// reaches, and a request budget well above what a test sends.
    static let waitYAML = """
        wait:
          initial_interval: 50ms
          max_interval: 200ms
          timeout: 20s
          rate_limit: {requests: 100, per: 1s}
        """

    /// The `exports` block of the pipelines that create one export.
    static let vulnerabilityExportYAML = """
        exports:
          - kind: vulnerabilities
            category: vul
            export_size: 1000
            export_headers: [[vul_name, Vulnerability]]
        """

    static func withSimulator<T: Sendable>(_ body: @escaping @Sendable (URL, HSSSimulator) async throws -> T) async throws -> T {
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenarioYAML), body)
    }

    /// A pipeline file text against `url` writing JSON Lines to `output`.
    static func pipeline(url: URL, tasks: [String], output: String, extra: String = "") -> String {
        """
        version: 1
        source:
          endpoint: \(url.absoluteString)
          region: cn-north-4
          project_id: \(projectID)
        tasks: [\(tasks.joined(separator: ", "))]
        \(waitYAML)
        stages:
          - type: jsonl
            path: \(output)
        \(extra)
        """
    }

    /// A pipeline file text against `url` that polls `tasks` (their YAML),
    /// creates ``vulnerabilityExportYAML``'s export, downloads into
    /// `download` and runs `stages` (flow mappings, one an entry): everything
    /// a run does, for the commands that must do only part of it.
    static func exportingPipeline(url: URL, tasks: String, download: String, stages: [String]) -> String {
        """
        version: 1
        source: {endpoint: "\(url.absoluteString)", region: cn-north-4, project_id: \(projectID)}
        tasks: \(tasks)
        \(vulnerabilityExportYAML)
        download:
          dir: \(download)
        \(waitYAML)
        stages:
        \(stages.map { "  - " + $0 }.joined(separator: "\n"))
        """
    }

    /// The environment of a user who exported only the token.
    static var tokenEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HSS_AUTH_TOKEN"] {
            environment.removeValue(forKey: name)
        }
        environment["HSS_AUTH_TOKEN"] = token
        return environment
    }

    static func run(_ arguments: [String], environment: [String: String] = tokenEnvironment, input: Data? = nil, in directory: String? = nil)
        async throws -> ProcessOutput
    {
        try await ProcessRunner.run(PackagePaths.binary, arguments, input: input, environment: environment, currentDirectory: directory)
    }

    /// Waits (up to `timeout`) until the simulator has answered `taskID` at least `polls` times.
    static func waitForPolls(of taskID: String, atLeast polls: Int, in simulator: HSSSimulator, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await simulator.statistics.polls(of: taskID) >= polls { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits (up to `timeout`) until `condition` holds; returns whether it did.
    @discardableResult
    static func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    /// The atomic writers' temp files (`.NAME.tmp-PID-…`) in `directory`.
    static func temporaryFiles(in directory: TemporaryDirectory) throws -> [String] {
        try directory.entries().filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }
}
