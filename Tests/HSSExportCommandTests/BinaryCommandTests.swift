import ExportPipeline
import ExportStageKit
import Foundation
import HSSExportCommand
import HSSSimulator
import TestSupport
import Testing

@Suite(.serialized) struct BinaryCommandTests {
    @Test func queryPrintsTheTaskAsOneJSONLine() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            let output = try await BinaryHarness.run(["query", "ok-2", "--endpoint", url.absoluteString, "--project-id", BinaryHarness.projectID])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(
                output.standardOutput
                    == #"{"task_id":"ok-2","task_name":"second","task_status":"success","file_id":"file-ok-2","file_name":"ok-2.zip"}"# + "\n")
        }
    }

    @Test func queryOfAnUnknownTaskExitsThreeWithTheAPIError() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            let output = try await BinaryHarness.run(["query", "missing", "--endpoint", url.absoluteString, "--project-id", BinaryHarness.projectID])
            #expect(output.status == 3)
            #expect(output.standardOutput.isEmpty)
            #expect(output.standardError.contains("404"), "\(output.standardError)")
        }
    }

    @Test func waitPrintsResultsInTheOrderGiven() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            let output = try await BinaryHarness.run([
                "wait", "ok-1", "ok-2", "--endpoint", url.absoluteString, "--project-id", BinaryHarness.projectID,
                "--initial-interval", "50ms", "--max-interval", "100ms", "--rate-limit", "50/1s",
            ])
            #expect(output.status == 0, "\(output.standardError)")
            let records = try BinaryHarness.jsonLines(output.standardOutput)
            #expect(records.map { $0["task_id"] as? String } == ["ok-1", "ok-2"])
            #expect(records.map { $0["outcome"] as? String } == ["succeeded", "succeeded"])
            #expect(output.standardError.contains("exit 0"))
        }
    }

    @Test func simulatePrintsItsURLFirstAndServesUntilInterrupted() async throws {
        let process = try RunningProcess(PackagePaths.binary, ["simulate", "--port", "0"])
        let line = try await process.firstLine()
        #expect(line.hasPrefix("http://127.0.0.1:"))
        let output = try await BinaryHarness.run(
            ["query", "export-vul-0001", "--endpoint", line, "--project-id", BinaryHarness.projectID],
            environment: {
                var environment = BinaryHarness.tokenEnvironment
                environment["HSS_AUTH_TOKEN"] = "demo-token"
                return environment
            }())
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains(#""task_status":"running""#))
        process.send(SIGTERM)
        #expect(try await process.waitForExit() == 0)
    }

    @Test func demoWritesEveryOutputFromAnyDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await BinaryHarness.run(["demo", "--out", "demo-out"], in: directory.path)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.file("demo-out")).sorted() == [
                    ".state", "archives", "hss_export.prom", "manifest.json.gz", "results.csv", "results.jsonl",
                ])
            let records = try BinaryHarness.jsonLines(try String(contentsOfFile: directory.file("demo-out/results.jsonl"), encoding: .utf8))
            #expect(records.map { $0["outcome"] as? String } == ["succeeded", "succeeded", "failed", "succeeded", "succeeded", "succeeded"])
            // The two created exports and the three listed tasks that succeeded, downloaded and verified.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("demo-out/archives")).count == 5)
            #expect(records.compactMap { $0["export"] as? String } == ["vulnerabilities", "events"])
            #expect(output.standardOutput.contains("demo finished as scripted"))
            #expect(output.standardOutput.contains(directory.file("demo-out/results.jsonl")))
        }
    }

    @Test func validateAcceptsAGoodFileWithoutCredentials() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                BinaryHarness.pipeline(
                    url: URL(string: "https://hss.cn-north-4.myhuaweicloud.com")!, tasks: ["a", "b"], output: "out/results.jsonl"), to: "good.yaml")
            var environment = BinaryHarness.tokenEnvironment
            environment.removeValue(forKey: "HSS_AUTH_TOKEN")
            let output = try await BinaryHarness.run(["validate", directory.file("good.yaml")], environment: environment)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "\(directory.file("good.yaml")): valid (2 tasks, 1 stage)\n")
        }
    }

    @Test func stagesListsEveryBuiltInStageAsJSON() async throws {
        let output = try await BinaryHarness.run(["stages", "--json"])
        #expect(output.status == 0)
        let stages = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]]
        #expect(stages?.compactMap { $0["type"] as? String } == ["jsonl", "csv", "prometheus-textfile", "gzip-manifest", "exec"])
    }

    @Test func badOptionsExitTwo() async throws {
        let output = try await BinaryHarness.run(["wait", "a", "--endpoint", "http://127.0.0.1:1", "--project-id", "p", "--rate-limit", "lots"])
        #expect(output.status == 2, "\(output.standardError)")
        #expect(output.standardError.contains("--rate-limit 'lots' is not REQUESTS/PERIOD"))
    }

    @Test func versionIsPrinted() async throws {
        let output = try await BinaryHarness.run(["--version"])
        #expect(output.status == 0)
        #expect(output.standardOutput == HSSExportVersion.description + "\n")
    }
}

@Suite struct ValidateAppliesClientRulesTests {
    @Test func validateRejectsARegionTheClientWouldRefuse() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                """
                version: 1
                source:
                  region: CN-North-4
                  project_id: p
                tasks: [a]
                stages: [{type: jsonl, path: out.jsonl}]
                """, to: "p.yaml")
            let output = try await BinaryHarness.run(["validate", directory.file("p.yaml")])
            #expect(output.status == 2)
            #expect(
                output.standardError.contains(
                    "p.yaml:3:11: error: region 'CN-North-4' is not a region id; use a Huawei Cloud region id such as cn-north-4"),
                "\(output.standardError)")
        }
    }
}

@Suite struct DemoPipelineTests {
    @Test func theEmbeddedDemoIsTheExampleFile() throws {
        let example = try String(contentsOfFile: PackagePaths.root + "/examples/demo.pipeline.yaml", encoding: .utf8)
        #expect(DemoPipeline.yaml + "\n" == example)
    }
}
