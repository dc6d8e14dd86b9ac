import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `wait --pipeline FILE` and the `wait`, `demo` and `query` texts, through the built binary.
@Suite struct BinaryWaitPipelineTests {
    static let scenarioYAML = BinaryHarness.exportingScenarioYAML

    /// Listed tasks, an export, a download and a stage: wait uses only the first.
    static func pipeline(url: URL, tasks: String = "[bad-3, ok-2]") -> String {
        BinaryHarness.exportingPipeline(url: url, tasks: tasks, download: "archives", stages: ["{type: jsonl, path: results.jsonl}"])
    }

    @Test func waitWithAPipelineFileWaitsForItsTasksAndWritesNothing() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                try directory.write(Self.pipeline(url: url), to: "p.yaml")
                let output = try await BinaryHarness.run(["wait", "--pipeline", directory.file("p.yaml")])
                #expect(output.status == 1, "\(output.standardError)")
                let records = try BinaryHarness.jsonLines(output.standardOutput)
                #expect(records.map { $0["task_id"] as? String } == ["bad-3", "ok-2"])
                #expect(records.map { $0["outcome"] as? String } == ["failed", "succeeded"])
                #expect(records.allSatisfy { $0["region"] as? String == "cn-north-4" })
                #expect(output.standardError.contains("wait ignores the file's exports"), "\(output.standardError)")
                #expect(output.standardError.contains("exit 1: a task failed or timed out"))
                let statistics = await simulator.statistics
                #expect(statistics.creations == 0)
                #expect(statistics.downloads.isEmpty)
                #expect(try directory.entries() == ["p.yaml"])
            }
        }
    }

    @Test func theCommandLineOverridesTheFilesWaitSettings() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, _ in
                try directory.write(Self.pipeline(url: url, tasks: "[forever]"), to: "p.yaml")
                let started = ContinuousClock.now
                let output = try await BinaryHarness.run(["wait", "--pipeline", directory.file("p.yaml"), "--timeout", "1s"])
                #expect(output.status == 1, "\(output.standardError)")
                #expect(try BinaryHarness.jsonLines(output.standardOutput).map { $0["outcome"] as? String } == ["timed_out"])
                // The file says 20s; the option's 1s ends it well before.
                #expect(ContinuousClock.now - started < .seconds(15))
            }
        }
    }

    @Test func waitSaysNothingOfStagesItDoesNotHave() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            let output = try await BinaryHarness.run([
                "wait", "ok-2", "--endpoint", url.absoluteString, "--project-id", BinaryHarness.projectID, "--initial-interval", "50ms",
            ])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardError.contains("exit 0: all tasks succeeded\n"), "\(output.standardError)")
            #expect(!output.standardError.contains("stages"))
            #expect(try BinaryHarness.jsonLines(output.standardOutput).count == 1)
        }
    }

    @Test func wrongCombinationsAreUsageErrors() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                Self.pipeline(url: URL(string: "http://127.0.0.1:1")!).replacingOccurrences(of: "tasks: [bad-3, ok-2]\n", with: ""),
                to: "exports-only.yaml")
            let cases: [([String], String)] = [
                (["wait", "--pipeline", directory.file("exports-only.yaml"), "t-1"], "give task ids or --pipeline, not both"),
                (
                    ["wait", "--pipeline", directory.file("exports-only.yaml"), "--endpoint", "http://127.0.0.1:1"],
                    "--endpoint cannot be used with --pipeline"
                ),
                (["wait", "--pipeline", directory.file("exports-only.yaml")], "lists no task to wait for (wait does not create exports)"),
                (["wait", "--project-id", "p", "t-1"], "give --region or --endpoint"),
                (["wait"], "give at least one task id, or --pipeline FILE"),
            ]
            for (arguments, message) in cases {
                let output = try await BinaryHarness.run(arguments)
                #expect(output.status == 2, "\(arguments): \(output.standardError)")
                #expect(output.standardError.contains(message), "\(arguments): \(output.standardError)")
            }
        }
    }

    @Test func theHelpOfEveryRunOperationHasExamplesAndPlainValueNames() async throws {
        for command in ["run", "wait", "demo", "query"] {
            let output = try await BinaryHarness.run([command, "--help"])
            #expect(output.status == 0)
            #expect(output.standardOutput.contains("\nExamples:\n  hss-export \(command)"), "\(command): \(output.standardOutput)")
            #expect(!output.standardOutput.contains("-i-ds"), "\(command)")
        }
        let wait = try await BinaryHarness.run(["wait", "--help"])
        #expect(wait.standardOutput.contains("[<task-id> ...]"), "\(wait.standardOutput)")
        #expect(wait.standardOutput.contains("--pipeline <file>"))
        let run = try await BinaryHarness.run(["run", "--help"])
        #expect(run.standardOutput.contains("--summary <format>"))
        #expect(run.standardOutput.contains("--dry-run"))
    }

    @Test func queryCredentialMessagesNameItsOwnOptions() async throws {
        var environment = BinaryHarness.tokenEnvironment
        environment["HUAWEICLOUD_SDK_AK"] = "HPUAEXAMPLEAK0000001"
        environment["HUAWEICLOUD_SDK_SK"] = "ExampleSecretKey0000000000000000000000000"
        let output = try await BinaryHarness.run(
            ["query", "t-1", "--endpoint", "http://127.0.0.1:1", "--project-id", BinaryHarness.projectID], environment: environment)
        #expect(output.status == 2, "\(output.standardError)")
        #expect(output.standardError.contains("both HSS_AUTH_TOKEN and HUAWEICLOUD_SDK_AK/SK are set"), "\(output.standardError)")
        #expect(!output.standardError.contains("pipeline file's"), "\(output.standardError)")
        #expect(!output.standardError.contains("ExampleSecretKey0000000000000000000000000"))
    }

    @Test func theDemoSaysPlainlyWhyItExitsZero() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await BinaryHarness.run(["demo", "--out", "demo-out"], in: directory.path)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(!output.standardOutput.contains("exit 1:"), "\(output.standardOutput)")
            #expect(
                output.standardOutput.contains("one demo task fails on purpose, so a real run would exit 1 (a task failed or timed out)"),
                "\(output.standardOutput)")
            #expect(output.standardOutput.contains("the demo went as scripted and exits 0"))
        }
    }
}
