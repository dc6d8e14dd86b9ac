import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `run --summary json` through the built binary: one JSON document on
/// stdout whose counts and entries are the records the stages wrote.
@Suite struct BinarySummaryJSONTests {
    /// The only document on stdout, parsed.
    static func document(_ output: ProcessOutput) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8))
        return try #require(object as? [String: Any], "stdout: \(output.standardOutput)")
    }

    /// What the summary says of each task equals the record results.jsonl holds for it.
    static func expectSummary(_ summary: [String: Any], matches records: [[String: Any]], exitCode: Int) throws {
        #expect(summary["exit_code"] as? Int == exitCode)
        #expect(summary["tasks"] as? Int == records.count)
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        for outcome in ["succeeded", "failed", "timed_out", "error", "interrupted"] {
            #expect(outcomes[outcome] == records.filter { $0["outcome"] as? String == outcome }.count, "\(outcome)")
        }
        let results = try #require(summary["results"] as? [[String: Any]])
        #expect(results.map { $0["task_id"] as? String } == records.map { $0["task_id"] as? String })
        #expect(results.map { $0["outcome"] as? String } == records.map { $0["outcome"] as? String })
        #expect(
            results.map { ($0["error"] as? [String: Any])?["code"] as? String } == records.map { ($0["error"] as? [String: Any])?["code"] as? String }
        )
    }

    @Test func aSuccessfulRunPrintsOneDocumentWithItsOutputs() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-1", "ok-2"], output: "results.jsonl"), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", "--summary", "json", directory.file("p.yaml")])
                #expect(output.status == 0, "\(output.standardError)")
                let summary = try Self.document(output)
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                try Self.expectSummary(summary, matches: records, exitCode: 0)
                #expect(summary["pipeline"] as? String == directory.file("p.yaml"))
                #expect(summary["exit_meaning"] as? String == "all tasks succeeded and all stages committed")
                #expect((summary["run_id"] as? String) == records.first?["run_id"] as? String)
                #expect(summary["started_at"] is String && summary["finished_at"] is String && summary["duration_seconds"] is Double)
                #expect(summary["sources"] == nil && summary["shard"] == nil)
                let outputs = try #require(summary["outputs"] as? [[String: Any]])
                let size = try FileManager.default.attributesOfItem(atPath: directory.file("results.jsonl"))[.size] as? Int
                #expect(outputs.count == 1)
                #expect(outputs.first?["stage"] as? String == "jsonl")
                #expect(outputs.first?["path"] as? String == directory.file("results.jsonl"))
                #expect(outputs.first?["bytes"] as? Int == size)
                #expect(!output.standardError.contains("exit 0"))
            }
        }
    }

    @Test func aFailingRunExitsOneAndNamesTheFailedTask() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(
                    BinaryHarness.pipeline(url: url, tasks: ["bad-3", "ok-2", "nope"], output: "results.jsonl"), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml"), "--summary", "json"])
                #expect(output.status == 3, "\(output.standardError)")
                let summary = try Self.document(output)
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                try Self.expectSummary(summary, matches: records, exitCode: 3)
                let results = try #require(summary["results"] as? [[String: Any]])
                #expect(results.map { $0["outcome"] as? String } == ["failed", "succeeded", "error"])
                #expect(((results.last?["error"]) as? [String: Any])?["code"] as? String == "HSS.1059")
            }
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["bad-3", "ok-2"], output: "results.jsonl"), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml"), "--summary", "json"])
                #expect(output.status == 1, "\(output.standardError)")
                let summary = try Self.document(output)
                try Self.expectSummary(summary, matches: try BinaryHarness.jsonLines(try directory.read("results.jsonl")), exitCode: 1)
                #expect(summary["exit_meaning"] as? String == "a task failed or timed out")
            }
        }
    }

    @Test func refusedCredentialsStillPrintTheDocumentWithoutTheSecret() async throws {
        let wrongToken = "not-the-token-3e9d41b0"
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-1", "ok-2"], output: "results.jsonl"), to: "p.yaml")
                var environment = BinaryHarness.tokenEnvironment
                environment["HSS_AUTH_TOKEN"] = wrongToken
                let output = try await BinaryHarness.run(["run", "--summary", "json", directory.file("p.yaml")], environment: environment)
                #expect(output.status == 3, "\(output.standardError)")
                let summary = try Self.document(output)
                try Self.expectSummary(summary, matches: try BinaryHarness.jsonLines(try directory.read("results.jsonl")), exitCode: 3)
                let results = try #require(summary["results"] as? [[String: Any]])
                #expect(results.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "APIG.0301" })
                #expect(!(output.standardOutput + output.standardError).contains(wrongToken))
            }
        }
    }

    @Test func severalSourcesGetTheirOwnCounts() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: MultiSourceBinaryTests.scenarioYAML)) { url, _ in
                let output = try await MultiSourceBinaryTests.run(["--summary", "json"], in: directory, url: url)
                #expect(output.status == 0, "\(output.standardError)")
                let summary = try Self.document(output)
                try Self.expectSummary(summary, matches: try BinaryHarness.jsonLines(try directory.read("results.jsonl")), exitCode: 0)
                let sources = try #require(summary["sources"] as? [[String: Any]])
                #expect(sources.map { $0["name"] as? String } == ["prim", "sub"])
                #expect(sources.map { $0["tasks"] as? Int } == [3, 1])
                let results = try #require(summary["results"] as? [[String: Any]])
                #expect(results.map { $0["export"] as? String } == [nil, nil, "vulnerabilities", "vulnerabilities"])
                #expect(
                    try #require(summary["outputs"] as? [[String: Any]]).map { $0["stage"] as? String } == ["jsonl", "csv", "prometheus-textfile"])
            }
        }
    }

    @Test func aShardNamesItselfAndItsOwnFiles() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: MultiSourceBinaryTests.scenarioYAML)) { url, _ in
                let output = try await MultiSourceBinaryTests.run(["--summary", "json", "--shard", "1/2"], in: directory, url: url)
                #expect(output.status == 0, "\(output.standardError)")
                let summary = try Self.document(output)
                let shard = try #require(summary["shard"] as? [String: Int])
                #expect(shard == ["index": 1, "count": 2])
                let records = try BinaryHarness.jsonLines(try directory.read("results.shard-1.jsonl"))
                try Self.expectSummary(summary, matches: records, exitCode: 0)
                #expect(records.map { $0["source"] as? String } == ["sub"])
                let outputs = try #require(summary["outputs"] as? [[String: Any]])
                #expect(outputs.first?["path"] as? String == directory.file("results.shard-1.jsonl"))
            }
        }
    }

    @Test func aStageOnStandardOutputMakesTheJSONSummaryAUsageError() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-2"], output: "\"-\""), to: "p.yaml")
                let refused = try await BinaryHarness.run(["run", "--summary", "json", directory.file("p.yaml")])
                #expect(refused.status == 2, "\(refused.standardError)")
                #expect(refused.standardError.contains("stage 1 (jsonl) writes stdout"), "\(refused.standardError)")
                #expect(refused.standardOutput.isEmpty)
                #expect(await simulator.statistics.totalRequests == 0)
                // The text summary then goes to stderr: stdout is the stage's JSON Lines alone.
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")])
                #expect(output.status == 0, "\(output.standardError)")
                let records = try BinaryHarness.jsonLines(output.standardOutput)
                #expect(records.map { $0["task_id"] as? String } == ["ok-2"])
                #expect(output.standardError.contains("exit 0: all tasks succeeded and all stages committed"))
            }
        }
    }
}
