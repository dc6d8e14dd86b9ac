import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `run --dry-run` through the built binary: one check request per
/// credential, the plan on stdout, nothing written.
@Suite struct BinaryDryRunTests {
    static let scenarioYAML = BinaryHarness.exportingScenarioYAML

    /// Exports, listed tasks, a download and two stages: everything a dry run must not do.
    static func pipeline(url: URL, tasks: String = "[ok-1, ok-2]") -> String {
        BinaryHarness.exportingPipeline(
            url: url, tasks: tasks, download: "out/archives",
            stages: ["{type: jsonl, path: out/results.jsonl}", "{type: gzip-manifest, path: out/manifest.json.gz}"])
    }

    /// The token user's environment, with the host-wide ledger outside the test's directory.
    static func environment(budget: TemporaryDirectory, token: String = BinaryHarness.token) -> [String: String] {
        var environment = BinaryHarness.tokenEnvironment
        environment["HSS_AUTH_TOKEN"] = token
        environment["HSS_EXPORT_BUDGET_DIR"] = budget.file("ledger")
        return environment
    }

    /// Every path under `directory`, relative, sorted: what the dry run must leave as it found.
    static func tree(_ directory: TemporaryDirectory) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var paths: [String] = []
        while let path = enumerator?.nextObject() as? String { paths.append(path) }
        return paths.sorted()
    }

    static func dryRun(_ text: String, in directory: TemporaryDirectory, environment: [String: String], input: Data? = nil) async throws
        -> ProcessOutput
    {
        try directory.write(text, to: "p.yaml")
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
        return try await BinaryHarness.run(
            ["run", "--dry-run", directory.file("p.yaml"), "--state-dir", directory.file("state")], environment: environment, input: input)
    }

    @Test func aDryRunSendsOneCheckRequestPrintsThePlanAndWritesNothing() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let output = try await Self.dryRun(Self.pipeline(url: url), in: directory, environment: Self.environment(budget: budget))
                #expect(output.status == 0, "\(output.standardError)")
                let statistics = await simulator.statistics
                #expect(statistics.totalRequests == 1)
                #expect(statistics.polls(of: "ok-1") == 1)
                #expect(statistics.polls(of: "ok-2") == 0)
                #expect(statistics.creations == 0)
                #expect(statistics.downloads.isEmpty)
                // No state directory, lock, journal, output or download: only what the test made.
                #expect(Self.tree(directory) == ["out", "p.yaml"])
                let plan = output.standardOutput
                #expect(plan.contains("credentials from environment (HSS_AUTH_TOKEN)"), "\(plan)")
                #expect(plan.contains("check: GET export-task/ok-1: 200, task_status running"), "\(plan)")
                #expect(plan.contains("create 1 export: vulnerabilities (kind vulnerabilities)"), "\(plan)")
                #expect(plan.contains("poll 2 tasks: ok-1, ok-2"), "\(plan)")
                #expect(plan.contains("download: finished tasks' files into \(directory.file("out/archives"))"), "\(plan)")
                #expect(plan.contains("stage 1 (jsonl): \(directory.file("out/results.jsonl"))"), "\(plan)")
                #expect(plan.contains("stage 2 (gzip-manifest): \(directory.file("out/manifest.json.gz"))"), "\(plan)")
                #expect(plan.contains("state: journal and lock in \(directory.file("state"))"), "\(plan)")
                #expect(plan.hasSuffix("check passed: the endpoint answers and accepts the credentials (1 request)\n"), "\(plan)")
                #expect(output.standardError.contains(#"credentials source="environment (HSS_AUTH_TOKEN)""#), "\(output.standardError)")
                #expect(!(plan + output.standardError).contains(BinaryHarness.token))
            }
        }
    }

    @Test func withoutListedTasksTheCheckAsksForATaskThatCannotExist() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let text = Self.pipeline(url: url).replacingOccurrences(of: "tasks: [ok-1, ok-2]\n", with: "")
                let output = try await Self.dryRun(text, in: directory, environment: Self.environment(budget: budget))
                #expect(output.status == 0, "\(output.standardError)")
                #expect(output.standardOutput.contains("check: GET export-task/hss-export-dry-run-check: 404 HSS.1059"), "\(output.standardOutput)")
                let statistics = await simulator.statistics
                #expect(statistics.totalRequests == 1)
                #expect(statistics.unauthorizedRequests == 0)
                #expect(statistics.creations == 0)
                #expect(Self.tree(directory) == ["out", "p.yaml"])
            }
        }
    }

    @Test func refusedCredentialsExitThreeWithoutTheSecret() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        let wrongToken = "not-the-token-7c1e0f2a"
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let output = try await Self.dryRun(
                    Self.pipeline(url: url), in: directory, environment: Self.environment(budget: budget, token: wrongToken))
                #expect(output.status == 3, "\(output.standardError)")
                #expect(output.standardError.contains("HSS refused the credentials from environment (HSS_AUTH_TOKEN)"), "\(output.standardError)")
                #expect(output.standardError.contains("401 APIG.0301"))
                #expect(output.standardOutput.contains("check failed"), "\(output.standardOutput)")
                #expect(!(output.standardOutput + output.standardError).contains(wrongToken))
                let statistics = await simulator.statistics
                #expect(statistics.totalRequests == 1)
                #expect(statistics.unauthorizedRequests == 1)
                #expect(Self.tree(directory) == ["out", "p.yaml"])
            }
        }
    }

    @Test func anUnreachableEndpointFailsClearly() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            // Port 1 on loopback: nothing listens, so the connection is refused.
            let output = try await Self.dryRun(
                Self.pipeline(url: URL(string: "http://127.0.0.1:1")!), in: directory, environment: Self.environment(budget: budget))
            #expect(output.status == 3, "\(output.standardError)")
            #expect(output.standardError.contains("cannot reach HSS at http://127.0.0.1:1"), "\(output.standardError)")
            #expect(output.standardError.contains("connection refused"), "\(output.standardError)")
            #expect(output.standardOutput.contains("check failed"))
            #expect(Self.tree(directory) == ["out", "p.yaml"])
        }
    }

    @Test func tasksFromStandardInputAreNamedAsSuch() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let output = try await Self.dryRun(
                    Self.pipeline(url: url, tasks: "{stdin: true}"), in: directory, environment: Self.environment(budget: budget),
                    input: Data("ok-2\nbad-3\n".utf8))
                #expect(output.status == 0, "\(output.standardError)")
                #expect(output.standardOutput.contains("poll 2 tasks (tasks from stdin): ok-2, bad-3"), "\(output.standardOutput)")
                #expect(await simulator.statistics.totalRequests == 1)
                #expect(await simulator.statistics.polls(of: "ok-2") == 1)
            }
        }
    }

    @Test func sourcesOfOneCredentialShareOneCheckRequest() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: MultiSourceBinaryTests.scenarioYAML)) { url, simulator in
                // prim (the token, tasks), sub (an access key, an export), and third: the token again.
                let third =
                    "  - name: third\n    endpoint: \(url.absoluteString)\n    region: cn-north-4\n"
                    + "    project_id: \(BinaryHarness.projectID)\n    tasks: [ok-2]\n"
                let text = MultiSourceBinaryTests.pipeline(url: url).replacingOccurrences(of: "\nexports:\n", with: "\n" + third + "exports:\n")
                #expect(text.contains("name: third"))
                try directory.write(text, to: "fleet.yaml")
                var environment = Self.environment(budget: budget)
                environment["SUB_SK"] = "ExampleSecretKey0000000000000000000000000"
                let output = try await BinaryHarness.run(
                    ["run", "--dry-run", directory.file("fleet.yaml"), "--state-dir", directory.file("state")], environment: environment)
                #expect(output.status == 0, "\(output.standardError)")
                let statistics = await simulator.statistics
                // One per credential: the token's (GET ok-1, for prim and third) and the access key's (the probe, for sub).
                #expect(statistics.totalRequests == 2, "\(output.standardOutput)")
                #expect(statistics.polls(of: "ok-1") == 1)
                #expect(statistics.polls(of: "ok-2") == 0)
                #expect(statistics.creations == 0)
                #expect(output.standardOutput.contains("source 'third': "), "\(output.standardOutput)")
                #expect(output.standardOutput.contains("check: shares the request of source 'prim'"), "\(output.standardOutput)")
                #expect(output.standardOutput.contains("check: GET export-task/hss-export-dry-run-check: 404 HSS.1059"), "\(output.standardOutput)")
                #expect(Self.tree(directory) == ["fleet.yaml"])
                #expect(!output.standardError.contains("ExampleSecretKey0000000000000000000000000"))
            }
        }
    }

    @Test func aBadFileExitsTwoBeforeAnyRequest() async throws {
        let budget = try TemporaryDirectory()
        defer { budget.remove() }
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let text = Self.pipeline(url: url).replacingOccurrences(of: "timeout: 20s", with: "timeout: soon")
                let output = try await Self.dryRun(text, in: directory, environment: Self.environment(budget: budget))
                #expect(output.status == 2)
                #expect(output.standardError.contains("p.yaml:14:12: error: 'timeout' must be a duration, not 'soon'"), "\(output.standardError)")
                #expect(await simulator.statistics.totalRequests == 0)
                #expect(Self.tree(directory) == ["out", "p.yaml"])
            }
        }
    }
}
