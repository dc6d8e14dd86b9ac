import ExportStageKit
import Foundation
import GzipManifestStage
import HSSSimulator
import TestSupport
import Testing

/// Issue 11's acceptance test for sharded runs: 4 processes of the built
/// binary with `JOB_COMPLETION_INDEX` 0…3 over a pipeline of 12 sources (12
/// projects of one simulator, one AK/SK), then `hss-export merge`; the merged
/// outputs equal a single process's (ignoring run ids, times and what the
/// server numbers per run), and the host-wide ledger keeps the per-user limit
/// at 0 throttled responses.
@Suite(.serialized) struct ShardedRunBinaryTests {
    static let accessKey = "HPUASHARDEDTEST00001"
    static let secretKey = "ShardedSecretKey000000000000000000000000"
    static let sourceCount = 12
    static let shardCount = 4

    static func projectID(_ index: Int) -> String {
        String(format: "%02d", index) + String(repeating: "ab", count: 15)
    }

    /// 12 projects, one user; HSS's 5 per minute per API scaled to 5 per 2 s.
    static var scenarioYAML: String {
        var yaml = """
            project_id: \(projectID(0))
            projects:

            """
        for index in 1..<sourceCount { yaml += "  - {id: \(projectID(index)), name: region-\(index)}\n" }
        yaml += """
            access_keys:
              - {access_key: \(accessKey), secret_key: \(secretKey)}
            rate_limit: {requests: 5, per: 2s}
            tasks:
              - id: listed-1
                name: listed in the primary project
                script: [{status: running, polls: 1}, {status: success}]
            export_template:
              script: [{status: success}]

            """
        return yaml
    }

    /// Source 0 lists a task and every source creates an export, so the
    /// merged order (listed tasks, then exports, source by source) differs
    /// from the shards' concatenation.
    static func pipelineYAML(url: URL) -> String {
        var yaml = "version: 1\nsources:\n"
        for index in 0..<sourceCount {
            yaml += """
                  - name: p\(String(format: "%02d", index))
                    endpoint: \(url.absoluteString)
                    region: cn-north-4
                    project_id: \(projectID(index))

                """
            if index == 0 { yaml += "    tasks: [listed-1]\n" }
        }
        yaml += """
            exports:
              - kind: vulnerabilities
                category: host
                export_size: 10
                export_headers: [[name, Name]]
            wait:
              initial_interval: 50ms
              max_interval: 200ms
              jitter: 0
              timeout: 40s
              rate_limit: {requests: 5, per: 2s}
              create_rate_limit: {requests: 5, per: 2s}
            stages:
              - type: jsonl
                path: ${OUT}/results.jsonl
              - type: csv
                path: ${OUT}/results.csv
              - type: gzip-manifest
                path: ${OUT}/manifest.json.gz
                reproducible: true

            """
        return yaml
    }

    static func environment(directory: TemporaryDirectory, out: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["HSS_AUTH_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID", "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS"] {
            environment.removeValue(forKey: name)
        }
        environment["HUAWEICLOUD_SDK_AK"] = accessKey
        environment["HUAWEICLOUD_SDK_SK"] = secretKey
        environment["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = directory.file("no-credentials-file")
        environment["HSS_EXPORT_METADATA_ENDPOINT"] = "http://127.0.0.1:9"
        environment["HSS_EXPORT_STATE_DIR"] = directory.file("state")
        environment["HSS_EXPORT_BUDGET_DIR"] = directory.file("budget")
        environment["OUT"] = out
        return environment
    }

    @Test(.timeLimit(.minutes(3))) func fourShardsMergedEqualOneRunAndNeverAreThrottled() async throws {
        let scenario = try SimulatorScenario(yaml: Self.scenarioYAML)
        try await withSimulator(scenario, timeout: .seconds(170)) { url, simulator in
            try await withTemporaryDirectory { directory in
                for name in ["single", "sharded", "state", "budget"] {
                    try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
                }
                try directory.write(Self.pipelineYAML(url: url), to: "fleet.pipeline.yaml")
                let file = directory.file("fleet.pipeline.yaml")
                let started = ContinuousClock.now

                // Four pods of an Indexed Job, at once.
                let shards = try await withThrowingTaskGroup(of: (Int, ProcessOutput).self) { group in
                    for index in 0..<Self.shardCount {
                        var environment = Self.environment(directory: directory, out: directory.file("sharded"))
                        environment["JOB_COMPLETION_INDEX"] = String(index)
                        environment["JOB_COMPLETIONS"] = String(Self.shardCount)
                        group.addTask {
                            (index, try await ProcessRunner.run(PackagePaths.binary, ["run", file], environment: environment, timeout: .seconds(90)))
                        }
                    }
                    var outputs: [Int: ProcessOutput] = [:]
                    for try await (index, output) in group { outputs[index] = output }
                    return outputs
                }
                let shardedSeconds = Double((ContinuousClock.now - started).components.seconds)
                for index in 0..<Self.shardCount {
                    let output = try #require(shards[index])
                    #expect(output.status == 0, "shard \(index): \(output.standardError)")
                    #expect(FileManager.default.fileExists(atPath: directory.file("sharded/results.shard-\(index).jsonl")))
                }
                let throttledBySharded = await simulator.statistics.throttledRequests
                #expect(throttledBySharded == 0, "the 4 shards were throttled \(throttledBySharded) times")

                let merge = try await ProcessRunner.run(
                    PackagePaths.binary, ["merge", file, "--shards", String(Self.shardCount)],
                    environment: Self.environment(directory: directory, out: directory.file("sharded")), timeout: .seconds(30))
                #expect(merge.status == 0, "\(merge.standardError)")

                let single = try await ProcessRunner.run(
                    PackagePaths.binary, ["run", file], environment: Self.environment(directory: directory, out: directory.file("single")),
                    timeout: .seconds(90))
                #expect(single.status == 0, "\(single.standardError)")
                let throttled = await simulator.statistics.throttledRequests
                #expect(throttled == 0, "throttled \(throttled) times in all")

                let mergedLines = try Self.comparableJSONLines(directory.read("sharded/results.jsonl"))
                let singleLines = try Self.comparableJSONLines(directory.read("single/results.jsonl"))
                #expect(mergedLines.count == Self.sourceCount + 1)
                #expect(mergedLines == singleLines)
                #expect(
                    try Self.comparableCSV(directory.read("sharded/results.csv")) == Self.comparableCSV(directory.read("single/results.csv")))
                let mergedManifest = try Self.comparableManifest(directory.file("sharded/manifest.json.gz"), directory: directory.file("sharded"))
                let singleManifest = try Self.comparableManifest(directory.file("single/manifest.json.gz"), directory: directory.file("single"))
                #expect(mergedManifest == singleManifest)
                print("sharded run: 4 processes in \(shardedSeconds) s, 0 throttled")
            }
        }
    }

    /// The control: the same four shards without the host-wide ledger each
    /// spend the whole per-user budget, and the simulator throttles them, so
    /// the 0 above is the ledger's doing.
    @Test(.timeLimit(.minutes(3))) func withoutTheHostBudgetTheSameShardsAreThrottled() async throws {
        let scenario = try SimulatorScenario(yaml: Self.scenarioYAML)
        try await withSimulator(scenario, timeout: .seconds(170)) { url, simulator in
            try await withTemporaryDirectory { directory in
                for name in ["sharded", "state", "budget"] {
                    try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
                }
                try directory.write(Self.pipelineYAML(url: url), to: "fleet.pipeline.yaml")
                let file = directory.file("fleet.pipeline.yaml")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<Self.shardCount {
                        var environment = Self.environment(directory: directory, out: directory.file("sharded"))
                        environment["JOB_COMPLETION_INDEX"] = String(index)
                        environment["JOB_COMPLETIONS"] = String(Self.shardCount)
                        environment["HSS_EXPORT_HOST_BUDGET"] = "off"
                        group.addTask {
                            let output = try await ProcessRunner.run(
                                PackagePaths.binary, ["run", file], environment: environment, timeout: .seconds(90))
                            // Throttled runs pause and retry, so they still finish.
                            #expect(output.status == 0, "shard \(index): \(output.standardError)")
                        }
                    }
                    try await group.waitForAll()
                }
                let throttled = await simulator.statistics.throttledRequests
                #expect(throttled > 0, "four shards sharing one user's budget without the ledger were never throttled")
            }
        }
    }

    // MARK: Comparison without run ids, times and per-run server numbering

    /// Fields that differ between two runs of the same pipeline: the run's
    /// id, times and poll counts, and what the simulator numbers in creation
    /// order (created tasks' ids and file names).
    static let volatileFields: Set<String> = ["run_id", "first_polled_at", "finished_at", "wait_seconds", "polls", "started_at", "duration_seconds"]
    static let createdTaskFields: Set<String> = ["task_id", "task_name", "file_id", "file_name"]

    static func comparable(_ record: JSONValue) -> JSONValue {
        guard case .object(let members) = record else { return record }
        let isCreated: Bool
        if case .string? = record["export"] { isCreated = true } else { isCreated = false }
        return .object(
            members.filter { !volatileFields.contains($0.key) && !(isCreated && createdTaskFields.contains($0.key)) }
                .map { ($0.key, comparable($0.value)) })
    }

    static func comparableJSONLines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { line in
            guard let value = JSONValue.parse(Array(line.utf8)) else { throw ComparisonError(what: "a line that is not JSON") }
            return comparable(value)
        }
    }

    /// Rows as cells with the volatile columns dropped (no cell in these
    /// outputs holds a comma or a quote).
    static func comparableCSV(_ text: String) -> [[String]] {
        let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        guard let header = rows.first else { return [] }
        let exportColumn = header.firstIndex(of: "export")
        return rows.map { row in
            let isCreated = row != header && exportColumn.map { $0 < row.count && !row[$0].isEmpty } == true
            return zip(header, row).filter { !volatileFields.contains($0.0) && !(isCreated && createdTaskFields.contains($0.0)) }.map(\.1)
        }
    }

    /// The manifest without run ids, times and `shards`; artifacts by file
    /// name (the two runs write to different directories) with their
    /// hashes left out, since the files hold run ids.
    static func comparableManifest(_ path: String, directory: String) throws -> JSONValue {
        let bytes = try GzipReader.decompressFile(at: path)
        guard let document = JSONValue.parse(bytes), case .object(let members) = document else {
            throw ComparisonError(what: "a manifest that is not a JSON object")
        }
        return .object(
            members.compactMap { member -> (key: String, value: JSONValue)? in
                switch member.key {
                case "run_id", "started_at", "finished_at", "shards", "tool_version":
                    return nil
                case "summary":
                    return (member.key, comparable(member.value))
                case "results":
                    guard case .array(let results) = member.value else { return member }
                    return (member.key, .array(results.map(comparable)))
                case "artifacts":
                    guard case .array(let artifacts) = member.value else { return member }
                    return (
                        member.key,
                        .array(
                            artifacts.map { artifact in
                                let path = artifact["path"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? ""
                                return .object([
                                    ("stage", artifact["stage"] ?? .null),
                                    ("path", .string(path.hasPrefix(directory) ? String(path.dropFirst(directory.count)) : path)),
                                ])
                            })
                    )
                default:
                    return member
                }
            })
    }

    struct ComparisonError: Error, CustomStringConvertible {
        var what: String
        var description: String { "found \(what)" }
    }
}
