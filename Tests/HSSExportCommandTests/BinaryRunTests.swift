import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

@Suite(.serialized) struct BinaryRunTests {
    @Test func runWritesTheExpectedJSONLinesInFileOrderAndExitsOneOnAFailedTask() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write(
                    BinaryHarness.pipeline(url: url, tasks: ["bad-3", "ok-1", "ok-2"], output: "results.jsonl"), to: "nightly.pipeline.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("nightly.pipeline.yaml")])
                #expect(output.status == 1, "stderr: \(output.standardError)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["task_id"] as? String } == ["bad-3", "ok-1", "ok-2"])
                #expect(records.map { $0["outcome"] as? String } == ["failed", "succeeded", "succeeded"])
                #expect(records.map { $0["task_name"] as? String } == ["third", "first", "second"])
                #expect(records.map { $0["polls"] as? Int } == [2, 3, 1])
                #expect(records.allSatisfy { $0["project_id"] as? String == BinaryHarness.projectID && $0["region"] as? String == "cn-north-4" })
                let firstLine = try directory.read("results.jsonl").split(separator: "\n")[0]
                #expect(
                    firstLine.hasPrefix(
                        #"{"task_id":"bad-3","task_name":"third","task_status":"failure","file_id":"file-bad-3","file_name":"bad-3.zip","project_id":"#
                    ))
                #expect(output.standardOutput.contains("3 tasks"))
                #expect(output.standardOutput.contains("exit 1: a task failed or timed out"))
                let statistics = await simulator.statistics
                #expect(statistics.polls(of: "ok-1") == 3)
                #expect(statistics.polls(of: "ok-2") == 1)
                #expect(statistics.totalRequests == 6)
            }
        }
    }

    @Test func invalidPipelineFilesExitTwoWithLocatedErrorsAndTouchNothing() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                let broken = BinaryHarness.pipeline(url: url, tasks: ["ok-1"], output: "results.jsonl")
                    .replacingOccurrences(of: "timeout: 20s", with: "timeout: soon")
                    .replacingOccurrences(of: "- type: jsonl", with: "- type: jsonl\n    pth: x")
                try directory.write(broken, to: "broken.yaml")
                for command in ["run", "validate"] {
                    let output = try await BinaryHarness.run([command, directory.file("broken.yaml")])
                    #expect(output.status == 2)
                    #expect(
                        output.standardError.contains("broken.yaml:10:12: error: 'timeout' must be a duration, not 'soon'"), "\(output.standardError)"
                    )
                    #expect(
                        output.standardError.contains("broken.yaml:14:5: error: unknown key 'pth' in stage 'jsonl'; did you mean 'path'?"),
                        "\(output.standardError)")
                }
                #expect(try directory.entries() == ["broken.yaml"])
                #expect(await simulator.statistics.totalRequests == 0)
            }
        }
    }

    @Test func runWithoutCredentialsExitsTwoBeforeAnyRequest() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-1"], output: "results.jsonl"), to: "p.yaml")
                var environment = BinaryHarness.tokenEnvironment
                environment.removeValue(forKey: "HSS_AUTH_TOKEN")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], environment: environment)
                #expect(output.status == 2)
                // The chain ends at the ECS metadata service (a closed port here), which says what else would have worked.
                #expect(output.standardError.contains("ECS metadata service"), "\(output.standardError)")
                #expect(output.standardError.contains("HSS_AUTH_TOKEN, HUAWEICLOUD_SDK_AK/SK or a profile file"))
                #expect(try directory.entries() == ["p.yaml"])
                #expect(await simulator.statistics.totalRequests == 0)
            }
        }
    }

    @Test func aDebugRunNeverPrintsTheToken() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-2", "nope"], output: "results.jsonl"), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", "--log-level", "trace", directory.file("p.yaml")])
                #expect(output.status == 3)
                #expect(output.standardError.contains("debug"), "the run should log at debug level")
                for text in [output.standardOutput, output.standardError, try directory.read("results.jsonl")] {
                    #expect(!text.contains(BinaryHarness.token))
                }
            }
        }
    }

    @Test func anAKSKRunSignsRequestsTheSimulatorAccepts() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-2"], output: "results.jsonl"), to: "p.yaml")
                var environment = BinaryHarness.tokenEnvironment
                environment.removeValue(forKey: "HSS_AUTH_TOKEN")
                environment["HUAWEICLOUD_SDK_AK"] = "HPUAEXAMPLEAK0000001"
                environment["HUAWEICLOUD_SDK_SK"] = "ExampleSecretKey0000000000000000000000000"
                let output = try await BinaryHarness.run(["run", "--log-level", "debug", directory.file("p.yaml")], environment: environment)
                #expect(output.status == 0, "\(output.standardError)")
                #expect(!(output.standardOutput + output.standardError).contains("ExampleSecretKey0000000000000000000000000"))
            }
        }
    }

    @Test func sigintStopsWaitingCommitsTheStagesAndExits130() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write("old content\n", to: "results.jsonl")
                try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-2", "forever"], output: "results.jsonl"), to: "p.yaml")
                let process = try RunningProcess(PackagePaths.binary, ["run", directory.file("p.yaml")], environment: BinaryHarness.tokenEnvironment)
                // Wait until the long task has been polled a few times, then interrupt.
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    if await simulator.statistics.polls(of: "forever") >= 2 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                process.send(SIGINT)
                let status = try await process.waitForExit()
                #expect(status == 130, "stderr: \(process.standardError)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["outcome"] as? String } == ["succeeded", "interrupted"])
                #expect(process.standardOutput.contains("exit 130"))
            }
        }
    }
}

@Suite struct BinaryAgainstSimulateProcessTests {
    @Test func runAgainstASimulateProcessWritesTheExpectedJSONLines() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BinaryHarness.scenarioYAML, to: "scenario.yaml")
            let simulator = try RunningProcess(PackagePaths.binary, ["simulate", "--scenario", directory.file("scenario.yaml"), "--port", "0"])
            defer { simulator.terminate() }
            let url = try #require(URL(string: try await simulator.firstLine()))
            try directory.write(BinaryHarness.pipeline(url: url, tasks: ["ok-2", "ok-1"], output: "results.jsonl"), to: "p.yaml")
            let output = try await BinaryHarness.run(["run", directory.file("p.yaml")])
            #expect(output.status == 0, "\(output.standardError)")
            let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
            #expect(records.map { $0["task_id"] as? String } == ["ok-2", "ok-1"])
            #expect(records.map { $0["outcome"] as? String } == ["succeeded", "succeeded"])
            #expect(records.map { $0["polls"] as? Int } == [1, 3])
            #expect(records.map { $0["file_name"] as? String } == ["ok-2.zip", "ok-1.zip"])
            simulator.send(SIGINT)
            #expect(try await simulator.waitForExit() == 0)
        }
    }
}
