import CSVStage
import ExportPipeline
import ExportStageKit
import Foundation
import GzipManifestStage
import JSONLinesStage
import ShardMerge
import TestSupport
import Testing

/// `merge` over hand-made shard outputs: the order a single run writes,
/// one CSV header, a recomputed manifest, and nothing written when a shard's
/// file is missing or does not fit.
@Suite struct ShardMergeTests {
    static let registry = StageRegistry([JSONLinesStage.self, CSVStage.self, GzipManifestStage.self])
    static let sourceCount = 5
    static let shardCount = 2

    static let pipelineYAML: String = {
        var yaml = "version: 1\nsources:\n"
        for index in 0..<sourceCount {
            yaml += "  - {name: s\(index), endpoint: 'http://127.0.0.1:9', project_id: p\(index), tasks: [t\(index)]}\n"
        }
        yaml += """
            exports:
              - kind: vulnerabilities
                category: host
                export_size: 10
                export_headers: [[name, Name]]
            stages:
              - type: jsonl
                path: results.jsonl
              - type: csv
                path: results.csv
                columns: [task_id, export, run_id]
              - type: gzip-manifest
                path: manifest.json.gz
                reproducible: true

            """
        return yaml
    }()

    /// A record as a shard writes it (the fields merge looks at, and a few more).
    static func record(task: String, source: Int, export: String?, runID: String) -> JSONValue {
        .object([
            ("task_id", .string(task)), ("outcome", .string("succeeded")), ("run_id", .string(runID)),
            ("export", JSONValue(export)), ("download_path", .null), ("source", .string("s\(source)")),
        ])
    }

    /// Shard `shard`'s records in the runner's order: its sources' listed tasks, then their exports.
    static func records(shard: Int) -> [JSONValue] {
        let positions = Array(stride(from: shard, to: sourceCount, by: shardCount))
        let runID = "run-\(shard)"
        return positions.map { record(task: "t\($0)", source: $0, export: nil, runID: runID) }
            + positions.map { record(task: "e\($0)", source: $0, export: "vulnerabilities", runID: runID) }
    }

    static func csvRow(_ record: JSONValue) -> String {
        let export = record["export"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? ""
        guard case .string(let task)? = record["task_id"], case .string(let run)? = record["run_id"] else { return "" }
        return "\(task),\(export),\(run)\r\n"
    }

    struct Fixture {
        let directory: TemporaryDirectory
        var file: String { directory.file("fleet.pipeline.yaml") }

        func load(shard: Int?) throws -> Pipeline {
            var loader = PipelineLoader(registry: ShardMergeTests.registry, environment: [:])
            if let shard {
                loader.shard = try ShardAssignment(index: shard, count: ShardMergeTests.shardCount)
            } else {
                loader.mergedShardCount = ShardMergeTests.shardCount
            }
            return try loader.load(contentsOf: file)
        }

        func merger() throws -> ShardMerger {
            ShardMerger(
                merged: try load(shard: nil), shards: try (0..<ShardMergeTests.shardCount).map { try load(shard: $0) }, toolVersion: "test",
                runID: "merged-run")
        }
    }

    /// The pipeline file and every shard's three outputs, hand-made.
    static func withFixture(_ body: (Fixture) throws -> Void) throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write(pipelineYAML, to: "fleet.pipeline.yaml")
            for shard in 0..<shardCount {
                let records = records(shard: shard)
                let jsonl = records.map { $0.serialized + "\n" }.joined()
                try directory.write(jsonl, to: "results.shard-\(shard).jsonl")
                try directory.write("task_id,export,run_id\r\n" + records.map(csvRow).joined(), to: "results.shard-\(shard).csv")
                let artifacts: [JSONValue] = [
                    artifact("jsonl", directory.file("results.shard-\(shard).jsonl"), jsonl),
                    artifact("csv", directory.file("results.shard-\(shard).csv"), try directory.read("results.shard-\(shard).csv")),
                ]
                let document = JSONValue.object([
                    ("manifest_version", .integer(2)), ("run_id", .string("run-\(shard)")),
                    ("pipeline", .object([("path", .string("fleet.pipeline.yaml")), ("sha256", .string("abc"))])),
                    ("tool_version", .string("test")),
                    ("started_at", .string("2026-12-02T10:00:0\(shard).000Z")), ("finished_at", .string("2026-12-02T10:01:0\(shard).000Z")),
                    (
                        "summary",
                        .object([
                            ("run_id", .string("run-\(shard)")), ("tasks", .integer(records.count)),
                            ("outcomes", .object([("succeeded", .integer(records.count)), ("failed", .integer(0))])),
                            ("interrupted", .bool(false)),
                        ])
                    ),
                    ("results", .array(records)), ("artifacts", .array(artifacts)), ("archives", .array([])),
                ])
                var gzipped: [UInt8] = []
                let writer = try GzipWriter(level: 6, header: .reproducible) { gzipped.append(contentsOf: $0) }
                try writer.write(document.serialized)
                _ = try writer.finish()
                try Data(gzipped).write(to: URL(fileURLWithPath: directory.file("manifest.shard-\(shard).json.gz")))
            }
            try body(Fixture(directory: directory))
        }
    }

    static func artifact(_ stage: String, _ path: String, _ text: String) -> JSONValue {
        let digest = FileDigest(of: Array(text.utf8))
        return .object([("stage", .string(stage)), ("path", .string(path)), ("bytes", .integer(digest.bytes)), ("sha256", .string(digest.sha256))])
    }

    static let mergedOrder = ["t0", "t1", "t2", "t3", "t4", "e0", "e1", "e2", "e3", "e4"]

    @Test func mergesInTheOrderOfOneRunWithOneHeaderAndARecomputedManifest() throws {
        try Self.withFixture { fixture in
            let report = try fixture.merger().merge()
            let directory = fixture.directory
            let lines = try directory.read("results.jsonl").split(separator: "\n").map { JSONValue.parse(Array($0.utf8))! }
            #expect(lines.map { $0["task_id"] } == Self.mergedOrder.map { .string($0) })
            // Each record keeps the run id of the shard that produced it.
            #expect(lines.map { $0["run_id"] }.first == .string("run-0"))
            #expect(lines[1]["run_id"] == .string("run-1"))

            let csv = try directory.read("results.csv")
            #expect(csv.components(separatedBy: "task_id,export,run_id").count == 2)
            #expect(csv.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[0]) } == Self.mergedOrder)

            let manifest = JSONValue.parse(try GzipReader.decompressFile(at: directory.file("manifest.json.gz")))!
            #expect(manifest["run_id"] == .string("merged-run"))
            guard case .array(let results)? = manifest["results"] else { throw ManifestShapeError() }
            #expect(results.map { $0["task_id"] } == Self.mergedOrder.map { .string($0) })
            #expect(manifest["summary"]?["tasks"]?.serialized == "10")
            #expect(manifest["summary"]?["outcomes"]?["succeeded"]?.serialized == "10")
            #expect(manifest["started_at"] == .string("2026-12-02T10:00:00.000Z"))
            #expect(manifest["finished_at"] == .string("2026-12-02T10:01:01.000Z"))
            #expect(
                manifest["shards"]?.serialized
                    == JSONValue.array([
                        .object([("index", .integer(0)), ("run_id", .string("run-0"))]),
                        .object([("index", .integer(1)), ("run_id", .string("run-1"))]),
                    ]).serialized)
            let jsonlDigest = try FileDigest.ofFile(at: directory.file("results.jsonl"))
            let csvDigest = try FileDigest.ofFile(at: directory.file("results.csv"))
            #expect(
                manifest["artifacts"]?.serialized
                    == JSONValue.array([
                        .object([
                            ("stage", .string("jsonl")), ("path", .string(directory.file("results.jsonl"))), ("bytes", .integer(jsonlDigest.bytes)),
                            ("sha256", .string(jsonlDigest.sha256)),
                        ]),
                        .object([
                            ("stage", .string("csv")), ("path", .string(directory.file("results.csv"))), ("bytes", .integer(csvDigest.bytes)),
                            ("sha256", .string(csvDigest.sha256)),
                        ]),
                    ]).serialized)
            // The merged manifest is one the verifier and reader accept.
            let document = try ManifestDocument.read(contentsOf: directory.file("manifest.json.gz"))
            #expect(document.runID == "merged-run")
            #expect(report.outputs.map(\.stage) == ["jsonl", "csv", "gzip-manifest"])
            #expect(report.outputs.allSatisfy { $0.records == 10 })
            #expect(report.shardRunIDs == ["run-0", "run-1"])
        }
    }

    @Test func aMissingShardOutputNamesTheShardAndPathAndWritesNothing() throws {
        try Self.withFixture { fixture in
            let directory = fixture.directory
            try directory.write("old\n", to: "results.jsonl")
            try FileManager.default.removeItem(atPath: directory.file("results.shard-1.csv"))
            do {
                _ = try fixture.merger().merge()
                Issue.record("merged without shard 1's CSV")
            } catch {
                #expect((error as? ShardMergeError)?.isInputProblem == true)
                #expect("\(error)".contains("shard 1's csv output '\(directory.file("results.shard-1.csv"))'"), "\(error)")
                #expect("\(error)".contains("--shard 1/2"))
            }
            #expect(try directory.read("results.jsonl") == "old\n")
            #expect(!FileManager.default.fileExists(atPath: directory.file("results.csv")))
            #expect(!FileManager.default.fileExists(atPath: directory.file("manifest.json.gz")))
            #expect(try directory.entries().allSatisfy { !$0.contains(".tmp") && !$0.hasPrefix(".") })
        }
    }

    @Test func differentCSVHeadersAreRefused() throws {
        try Self.withFixture { fixture in
            let directory = fixture.directory
            let text = try directory.read("results.shard-1.csv")
            try directory.write(text.replacingOccurrences(of: "task_id,export,run_id", with: "task_id;export;run_id"), to: "results.shard-1.csv")
            #expect {
                try fixture.merger().merge()
            } throws: { error in
                "\(error)".contains("header of shard 1's") && "\(error)".contains("differs from shard 0's")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.file("results.jsonl")))
        }
    }

    @Test func aRecordOfAnotherShardsSourceIsRefused() throws {
        try Self.withFixture { fixture in
            let directory = fixture.directory
            // As if the shards had run with another count: s1 in shard 0's file.
            var lines = try directory.read("results.shard-0.jsonl")
            lines += Self.record(task: "t1", source: 1, export: nil, runID: "run-0").serialized + "\n"
            try directory.write(lines, to: "results.shard-0.jsonl")
            #expect {
                try fixture.merger().merge()
            } throws: { error in
                "\(error)".contains("belongs to shard 1 of 2") && "\(error)".contains("--shards")
            }
        }
    }

    @Test func filesOfDifferentRunsAreRefused() throws {
        try Self.withFixture { fixture in
            let directory = fixture.directory
            let text = try directory.read("results.shard-0.csv")
            try directory.write(String(text.dropLast("t4,vulnerabilities,run-0\r\n".count)), to: "results.shard-0.csv")
            #expect {
                try fixture.merger().merge()
            } throws: { error in
                "\(error)".contains("shard 0's") && "\(error)".contains("rows for 6 records")
            }
        }
    }

    @Test func oneShardIsNothingToMerge() throws {
        try Self.withFixture { fixture in
            let merger = ShardMerger(merged: try fixture.load(shard: nil), shards: [try fixture.load(shard: nil)], toolVersion: "t")
            #expect(throws: ShardMergeError.self) { try merger.merge() }
        }
    }

    struct ManifestShapeError: Error {}
}
