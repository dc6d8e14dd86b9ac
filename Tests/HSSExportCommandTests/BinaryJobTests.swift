import ExportStageKit
import ExportStageTesting
import Foundation
import HSSSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The whole nightly job through the built binary: create, wait, download,
/// verify, the journal, the lock, and resuming after kills.
@Suite struct BinaryJobTests {
    static let scenarioYAML = """
        project_id: \(BinaryHarness.projectID)
        tokens: [\(BinaryHarness.token)]
        rate_limit: {requests: 1000, per: 60s}
        tasks: []
        export_template:
          script: [{status: running, polls: 2}, {status: success}]
          archive: {entries: 3, rows: 40}
        """

    /// The acceptance file of the issue, verbatim.
    static let acceptancePipeline = """
        version: 1
        source: {endpoint: "${HSS_ENDPOINT}", project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9}
        exports:
          - kind: vulnerabilities
            category: vul
            export_size: 1000
            export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
        download:
          dir: ${OUT}/archives
        stages:
          - {type: jsonl, path: "${OUT}/results.jsonl"}
          - {type: gzip-manifest, path: "${OUT}/manifest.json.gz"}
        """

    /// Two exports, fast waits, its own budgets: what most tests run.
    static func twoExports(extra: String = "") -> String {
        """
        version: 1
        source: {endpoint: "${HSS_ENDPOINT}", project_id: \(BinaryHarness.projectID)}
        exports:
          - kind: vulnerabilities
            category: vul
            export_size: 1000
            export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
          - kind: events
            category: host
            event_id: e1
            last_days: 1
            export_headers: [[event_name, Alarm]]
        download:
          dir: ${OUT}/archives
          hash_entries: true
        wait:
          initial_interval: 50ms
          max_interval: 200ms
          timeout: 20s
          rate_limit: {requests: 100, per: 1s}
          create_rate_limit: {requests: 100, per: 1s}
          download_rate_limit: {requests: 100, per: 1s}
        stages:
          - {type: jsonl, path: "${OUT}/results.jsonl"}
          - {type: gzip-manifest, path: "${OUT}/manifest.json.gz"}
        \(extra)
        """
    }

    static func environment(url: URL, out: String) -> [String: String] {
        var environment = BinaryHarness.tokenEnvironment
        environment["HSS_ENDPOINT"] = url.absoluteString
        environment["OUT"] = out
        return environment
    }

    static func records(_ directory: TemporaryDirectory) throws -> [[String: Any]] {
        try directory.read("results.jsonl").split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func run(_ pipeline: String, in directory: TemporaryDirectory, url: URL, arguments: [String] = []) async throws -> ProcessOutput {
        try directory.write(pipeline, to: "job.pipeline.yaml")
        return try await BinaryHarness.run(
            ["run", directory.file("job.pipeline.yaml"), "--state-dir", directory.file("state")] + arguments,
            environment: environment(url: url, out: directory.path))
    }

    @Test func theIssuesPipelineCreatesWaitsDownloadsAndTheManifestVerifies() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
            let output = try await Self.run(Self.acceptancePipeline, in: directory, url: url)
            #expect(output.status == 0, "\(output.standardError)")
            let records = try Self.records(directory)
            let record = try #require(records.first)
            #expect(records.count == 1)
            #expect(record["export"] as? String == "vulnerabilities")
            #expect(record["outcome"] as? String == "succeeded")
            let path = try #require(record["download_path"] as? String)
            #expect(path.hasPrefix(directory.file("archives") + "/"))
            let digest = try FileDigest.ofFile(at: path)
            #expect(record["download_sha256"] as? String == digest.sha256)
            #expect(record["download_bytes"] as? Int == digest.bytes)
            #expect(await simulator.statistics.creations == 1)
            let verify = try await BinaryHarness.run(["verify", directory.file("manifest.json.gz")])
            #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
        }
    }

    @Test func twoExportsWriteArchivesAndVerifyFailsAfterOneByteChanges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
            let output = try await Self.run(Self.twoExports(), in: directory, url: url)
            #expect(output.status == 0, "\(output.standardError)")
            let records = try Self.records(directory)
            #expect(records.map { $0["export"] as? String } == ["vulnerabilities", "events"])
            let paths = records.compactMap { $0["download_path"] as? String }
            #expect(paths.count == 2)
            #expect(Set(paths).count == 2)
            #expect(await simulator.statistics.duplicateExports.isEmpty)
            let manifest = directory.file("manifest.json.gz")
            #expect(try await BinaryHarness.run(["verify", manifest]).status == 0)
            // One byte of one archive changes: verify names it.
            let handle = try #require(FileHandle(forUpdatingAtPath: paths[1]))
            try handle.seek(toOffset: 10)
            let byte = try #require(try handle.read(upToCount: 1)).first ?? 0
            try handle.seek(toOffset: 10)
            try handle.write(contentsOf: [byte ^ 0xFF])
            try handle.close()
            let changed = try await BinaryHarness.run(["verify", manifest])
            #expect(changed.status == 1)
            #expect(changed.standardOutput.contains(FilePath.lastComponent(of: paths[1])), "\(changed.standardOutput)")
            // The finished run's journal is kept as the last run's record, and the next run starts afresh.
            let runs = try FileManager.default.subpathsOfDirectory(atPath: directory.file("state")).filter { $0.contains("/runs/") }
            #expect(runs.count == 1, "\(runs)")
        }
    }

    @Test func aTimedOutRunIsResumedWithoutCreatingAgain() async throws {
        let scenario = """
            project_id: \(BinaryHarness.projectID)
            tokens: [\(BinaryHarness.token)]
            tasks: []
            export_template:
              script: [{status: running, for: 14s}, {status: success}]
            """
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, simulator in
            // The run deadline leaves a loaded CI machine several seconds for both creates.
            let short = Self.twoExports().replacingOccurrences(of: "timeout: 20s", with: "timeout: 20s\n  run_timeout: 8s")
            let first = try await Self.run(short, in: directory, url: url)
            #expect(first.status == 1, "\(first.standardError)")
            #expect(try Self.records(directory).allSatisfy { $0["outcome"] as? String == "timed_out" })
            let created = await simulator.statistics.creations
            #expect(created == 2)
            let second = try await Self.run(Self.twoExports(), in: directory, url: url)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("resuming an export an interrupted run created"), "\(second.standardError)")
            #expect(await simulator.statistics.creations == created)
            let taskIDs = Set(await simulator.creations.compactMap(\.taskID))
            #expect(Set(try Self.records(directory).compactMap { $0["task_id"] as? String }) == taskIDs)
        }
    }

    @Test func aSecondRunWhileTheFirstHoldsTheLockExitsFiveAndChangesNothing() async throws {
        let scenario = """
            project_id: \(BinaryHarness.projectID)
            tokens: [\(BinaryHarness.token)]
            tasks: []
            export_template:
              script: [{status: running}]
            """
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, simulator in
            try directory.write(Self.twoExports(), to: "job.pipeline.yaml")
            let arguments = ["run", directory.file("job.pipeline.yaml"), "--state-dir", directory.file("state")]
            let first = try ProcessRunner.start(PackagePaths.binary, arguments, environment: Self.environment(url: url, out: directory.path))
            defer { first.terminate(grace: .seconds(1)) }
            // Wait until the first run holds the lock and has created its exports.
            let deadline = ContinuousClock.now + .seconds(30)
            while await simulator.statistics.creations < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await simulator.statistics.creations == 2)
            let before = await simulator.statistics.totalRequests
            let second = try await BinaryHarness.run(arguments, environment: Self.environment(url: url, out: directory.path))
            #expect(second.status == 5, "\(second.standardError)")
            #expect(second.standardError.contains("holds the lock"), "\(second.standardError)")
            #expect(second.standardError.contains("pid \(first.pid)"), "\(second.standardError)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("results.jsonl")))
            // The first run's own polls may go on; the second sent nothing, so no create.
            #expect(await simulator.statistics.creations == 2)
            _ = before
        }
    }

    @Test func hostileFileNamesStayInsideTheDownloadDirectory() async throws {
        let names = ["../../escaped.zip", "/etc/passwd", "a\u{1B}[31mred\nline.zip", String(repeating: "x", count: 300) + ".zip", ".."]
        for name in names {
            let scenario = """
                project_id: \(BinaryHarness.projectID)
                tokens: [\(BinaryHarness.token)]
                tasks: []
                export_template:
                  script: [{status: success}]
                  file_name: \(quoted(name))
                """
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let outside = try directory.entries()
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, _ in
                let output = try await Self.run(Self.acceptancePipeline, in: directory, url: url)
                #expect(output.status == 0, "\(name): \(output.standardError)")
                let archives = try FileManager.default.contentsOfDirectory(atPath: directory.file("archives"))
                #expect(archives.count == 1, "\(name): \(archives)")
                let stored = try #require(archives.first)
                #expect(!stored.contains("/") && !stored.hasPrefix(".") && stored.utf8.count <= 255, "\(name) -> \(stored)")
                #expect(!stored.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(name) -> \(stored)")
                let now = Set(try directory.entries())
                #expect(
                    now.subtracting(outside).subtracting(["archives", "state", "results.jsonl", "manifest.json.gz", "job.pipeline.yaml"]).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: FilePath.directory(of: directory.path) + "/escaped.zip"))
            }
        }
    }

    @Test func aZipWithEscapingEntriesIsRefusedAndNothingIsExtracted() async throws {
        let scenario = """
            project_id: \(BinaryHarness.projectID)
            tokens: [\(BinaryHarness.token)]
            tasks: []
            export_template:
              script: [{status: success}]
              archive: {entry_names: ["../evil.csv", "ok.csv"]}
            """
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, _ in
            let pipeline = Self.acceptancePipeline.replacingOccurrences(of: "  dir: ${OUT}/archives", with: "  dir: ${OUT}/archives\n  extract: true")
            let output = try await Self.run(pipeline, in: directory, url: url)
            #expect(output.status == 3, "\(output.standardError)")
            let record = try #require(try Self.records(directory).first)
            #expect(record["outcome"] as? String == "error")
            #expect("\(record["error"] ?? "")".contains("evil.csv"), "\(record)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("evil.csv")))
            #expect(!FileManager.default.fileExists(atPath: directory.file("archives/evil.csv")))
            let archives = (try? FileManager.default.contentsOfDirectory(atPath: directory.file("archives"))) ?? []
            #expect(archives.allSatisfy { $0.hasSuffix(".zip") }, "\(archives)")
        }
    }

    @Test func aTruncatedDownloadIsRetriedAndThenVerifies() async throws {
        let scenario = """
            project_id: \(BinaryHarness.projectID)
            tokens: [\(BinaryHarness.token)]
            tasks: []
            export_template:
              script: [{status: success}]
            faults: {truncate_downloads: 2}
            """
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, simulator in
            let output = try await Self.run(Self.twoExports(), in: directory, url: url)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(await simulator.statistics.truncatedDownloads.values.reduce(0, +) == 4)
            #expect(try await BinaryHarness.run(["verify", directory.file("manifest.json.gz")]).status == 0)
        }
    }
}
