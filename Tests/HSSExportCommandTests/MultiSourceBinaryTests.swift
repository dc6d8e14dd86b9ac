import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `sources:` through the built binary against one simulator with two
/// projects: one source listing tasks (token), one with AK/SK; a top-level
/// export created once in each project.
@Suite struct MultiSourceBinaryTests {
    static let subProjectID = "1b2c3d4e5f60718293a4b5c6d7e8f90a"

    static let scenarioYAML = """
        project_id: \(BinaryHarness.projectID)
        projects:
          - {id: \(subProjectID), name: cn-north-4_sub}
        tokens: [\(BinaryHarness.token)]
        access_keys:
          - {access_key: HPUAEXAMPLEAK0000001, secret_key: ExampleSecretKey0000000000000000000000000}
        rate_limit: {requests: 1000, per: 60s}
        tasks:
          - {id: ok-1, name: first, script: [{status: running, polls: 1}, {status: success}]}
          - {id: ok-2, name: second, script: [{status: success}]}
        export_template:
          script: [{status: running, polls: 1}, {status: success}]
        """

    static func pipeline(url: URL) -> String {
        """
        version: 1
        sources:
          - name: prim
            endpoint: \(url.absoluteString)
            region: cn-north-4
            project_id: \(BinaryHarness.projectID)
            tasks: [ok-1, ok-2]
          - name: sub
            endpoint: \(url.absoluteString)
            region: cn-north-4
            project_id: \(subProjectID)
            auth: {access_key: HPUAEXAMPLEAK0000001, secret_key: "${SUB_SK}"}
        exports:
          - kind: vulnerabilities
            category: vul
            export_size: 1000
            export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
        \(BinaryHarness.waitYAML)
        stages:
          - {type: jsonl, path: results.jsonl}
          - {type: csv, path: results.csv, columns: [source, task_id, outcome, project_id]}
          - {type: prometheus-textfile, path: hss.prom}
        """
    }

    /// Writes ``pipeline(url:)`` into `directory` as `fleet.pipeline.yaml` and
    /// runs it with `options` (given after `run`), its state in the directory,
    /// as the token user who also has the sub project's secret key; without
    /// the host-wide budget, which other tests' runs would share.
    static func run(_ options: [String] = [], in directory: TemporaryDirectory, url: URL) async throws -> ProcessOutput {
        try directory.write(pipeline(url: url), to: "fleet.pipeline.yaml")
        var environment = BinaryHarness.tokenEnvironment
        environment["SUB_SK"] = "ExampleSecretKey0000000000000000000000000"
        environment["HSS_EXPORT_HOST_BUDGET"] = "off"
        return try await BinaryHarness.run(
            ["run"] + options + [directory.file("fleet.pipeline.yaml"), "--state-dir", directory.file("state")], environment: environment)
    }

    @Test func twoSourcesRunInOneProcessAndRecordsCarryTheirSource() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                let output = try await Self.run(in: directory, url: url)
                #expect(output.status == 0, "stderr: \(output.standardError)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["source"] as? String } == ["prim", "prim", "prim", "sub"])
                #expect(records.map { $0["task_id"] as? String }.prefix(2) == ["ok-1", "ok-2"])
                #expect(records.map { $0["export"] as? String } == [nil, nil, "vulnerabilities", "vulnerabilities"])
                #expect(
                    records.map { $0["project_id"] as? String } == [
                        BinaryHarness.projectID, BinaryHarness.projectID, BinaryHarness.projectID, Self.subProjectID,
                    ])
                #expect(records.allSatisfy { $0["outcome"] as? String == "succeeded" })
                let csv = try directory.read("results.csv").split(separator: "\r\n").map(String.init)
                #expect(csv.first == "source,task_id,outcome,project_id")
                #expect(csv.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["prim", "prim", "prim", "sub"])
                let prom = try directory.read("hss.prom")
                #expect(prom.contains(#"hss_export_source_tasks{source="prim",outcome="succeeded"} 3"#))
                #expect(prom.contains(#"hss_export_source_tasks{source="sub",outcome="succeeded"} 1"#))
                #expect(output.standardOutput.contains("  source prim: 3 tasks: 3 succeeded"), "\(output.standardOutput)")
                #expect(output.standardOutput.contains("  source sub: 1 task: 1 succeeded"))
                #expect(!output.standardError.contains("ExampleSecretKey"))
                let statistics = await simulator.statistics
                #expect(statistics.creationsByProject == [BinaryHarness.projectID: 1, Self.subProjectID: 1])
            }
        }
    }
}
