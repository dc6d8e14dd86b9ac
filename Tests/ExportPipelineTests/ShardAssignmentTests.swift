import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// `--shard INDEX/COUNT`, the Indexed Job's variables, the source selection
/// and the per-shard paths.
@Suite struct ShardAssignmentTests {
    static let registry = StageRegistry([RecordingStage.self])

    @Test func parsesIndexAndCount() throws {
        let shard = try ShardAssignment(parsing: "2/4")
        #expect(shard.index == 2 && shard.count == 4 && shard.isSharded)
        #expect(shard.description == "2/4")
        #expect(try !ShardAssignment(parsing: "0/1").isSharded)
        #expect(try ShardAssignment(parsing: "999/1000").count == 1000)
    }

    @Test(arguments: [
        ("4/4", "index 4 is outside 0...3"), ("0/0", "count 0 is outside 1...1000"), ("1/1001", "count 1001"),
        ("-1/4", "is not INDEX/COUNT"), ("a/4", "is not INDEX/COUNT"), ("2", "is not INDEX/COUNT"), ("1/2/3", "is not INDEX/COUNT"),
        ("", "is not INDEX/COUNT"),
    ])
    func rejectsBadValuesNamingThemAndTheFix(text: String, problem: String) {
        do {
            _ = try ShardAssignment(parsing: text)
            Issue.record("\(text) accepted")
        } catch {
            #expect(error.description.contains("--shard '\(text)'"))
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.contains("; "))
        }
    }

    @Test func readsAnIndexedJobsVariables() throws {
        #expect(try ShardAssignment.fromEnvironment([:]) == nil)
        let shard = try ShardAssignment.fromEnvironment(["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "4"])
        #expect(shard == (try ShardAssignment(index: 3, count: 4)))
    }

    @Test(arguments: [
        (["JOB_COMPLETION_INDEX": "1"], "JOB_COMPLETIONS is not"),
        (["JOB_COMPLETIONS": "4"], "JOB_COMPLETION_INDEX is not"),
        (["JOB_COMPLETION_INDEX": "x", "JOB_COMPLETIONS": "4"], "JOB_COMPLETION_INDEX 'x': is not a whole number"),
        (["JOB_COMPLETION_INDEX": "1", "JOB_COMPLETIONS": "four"], "JOB_COMPLETIONS 'four'"),
        (["JOB_COMPLETION_INDEX": "4", "JOB_COMPLETIONS": "4"], "index 4 is outside 0...3"),
    ])
    func rejectsHalfOrBadIndexedJobVariables(environment: [String: String], problem: String) {
        do {
            _ = try ShardAssignment.fromEnvironment(environment)
            Issue.record("\(environment) accepted")
        } catch {
            #expect(error.description.contains(problem), "\(error)")
        }
    }

    @Test func insertsTheShardBeforeTheLastExtension() throws {
        let shard = try ShardAssignment(index: 2, count: 4)
        #expect(shard.outputPath("out/results.jsonl") == "out/results.shard-2.jsonl")
        #expect(shard.outputPath("/var/lib/node_exporter/hss.prom") == "/var/lib/node_exporter/hss.shard-2.prom")
        #expect(shard.outputPath("manifest.json.gz") == "manifest.shard-2.json.gz")
        #expect(shard.outputPath("archive.gz") == "archive.shard-2.gz")
        #expect(shard.outputPath("out.d/results") == "out.d/results.shard-2")
        #expect(shard.outputPath("/x/.results") == "/x/.results.shard-2")
        #expect(ShardAssignment.unsharded.outputPath("out/results.jsonl") == "out/results.jsonl")
    }

    @Test func ownsEveryCountthSourceSoAddedSourcesKeepTheirShard() throws {
        let shard = try ShardAssignment(index: 1, count: 3)
        #expect(shard.positions(among: 8) == [1, 4, 7])
        #expect(shard.positions(among: 11) == [1, 4, 7, 10])
        #expect(shard.owns(sourceAt: 4) && !shard.owns(sourceAt: 5))
        #expect(try ShardAssignment(index: 3, count: 4).positions(among: 2).isEmpty)
    }

    static func fleet(sources: Int) -> String {
        var yaml = "version: 1\nsources:\n"
        for index in 0..<sources {
            yaml += "  - name: s\(index)\n    region: cn-north-4\n    project_id: p\(index)\n    tasks: [t-\(index)]\n"
        }
        yaml += """
            exports:
              - kind: vulnerabilities
                category: host
                export_size: 10
                export_headers: [[name, Name]]
            stages:
              - type: record
            """
        return yaml
    }

    @Test func aShardKeepsItsSourcesAndRenumbersTheirTasksAndExports() throws {
        let pipeline = try PipelineLoader(registry: Self.registry, environment: [:]).load(
            yaml: Self.fleet(sources: 5), file: "p.yaml", baseDirectory: "/tmp")
        let shard = pipeline.shard(try ShardAssignment(index: 1, count: 2))
        #expect(shard.sources.map(\.name) == ["s1", "s3"])
        #expect(shard.tasks.map(\.id) == ["t-1", "t-3"])
        #expect(shard.tasks.map(\.source) == [0, 1])
        #expect(shard.exports.map(\.key) == ["s1/vulnerabilities", "s3/vulnerabilities"])
        #expect(shard.exports.map(\.source) == [0, 1])
        #expect(shard.isMultiSource)
        #expect(shard.recordSourceNames == ["s1", "s3"])
        // Locations follow their source to its new index.
        #expect(shard.locations["sources[1]"] == pipeline.locations["sources[3]"])
        #expect(pipeline.shard(index: 0, count: 1).sources.count == 5)
        // More shards than sources: the extra shards run nothing.
        let empty = pipeline.shard(index: 6, count: 7)
        #expect(empty.tasks.isEmpty && empty.exports.isEmpty && !empty.usesState)
        #expect(pipeline.isEmpty(in: try ShardAssignment(index: 6, count: 7)))
    }

    @Test func aSingleSourcePipelineIsShardZerosAlone() throws {
        let yaml = """
            version: 1
            source: {region: cn-north-4, project_id: p}
            tasks: [t-1, t-2]
            stages:
              - type: record
            """
        let pipeline = try PipelineLoader(registry: Self.registry, environment: [:]).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
        #expect(pipeline.shard(index: 0, count: 3).tasks.count == 2)
        #expect(pipeline.shard(index: 1, count: 3).tasks.isEmpty)
        #expect(pipeline.shard(index: 2, count: 3).tasks.isEmpty)
    }
}

/// What the loader does with a shard: `${SHARD}`, `${SHARDS}`, the
/// `.shard-INDEX` suffix and the state folder.
@Suite struct ShardPathTests {
    static let registry = StageRegistry([RecordingStage.self])

    static func load(_ stages: String, shard: ShardAssignment, environment: [String: String] = [:], merged: Int? = nil) throws -> Pipeline {
        let yaml = """
            version: 1
            source: {region: cn-north-4, project_id: p}
            tasks: [t-1]
            state:
              dir: /state/${SHARD}-of-${SHARDS}
            stages:
            \(stages)
            """
        var loader = PipelineLoader(registry: registry, environment: environment, shard: shard)
        loader.mergedShardCount = merged
        return try loader.load(yaml: yaml, file: "p.yaml", baseDirectory: "/out")
    }

    @Test func shardedPathsGetTheSuffixUnlessTheyUseTheVariable() throws {
        let stages = """
              - type: record
                path: results.jsonl
              - type: record
                path: by-shard/${SHARD}/results.jsonl
            """
        let pipeline = try Self.load(stages, shard: try ShardAssignment(index: 2, count: 4), environment: ["SHARD": "not-this"])
        #expect(pipeline.stages.map(\.outputPaths) == [["/out/results.shard-2.jsonl"], ["/out/by-shard/2/results.jsonl"]])
        #expect(pipeline.state.directory == "/state/2-of-4")
        #expect(pipeline.state.folderSuffix == "-shard-2")
        let folder = StateDirectory.resolve(settings: pipeline.state, pipelineFile: "/etc/p.yaml", environment: [:])
        #expect(folder.path.hasSuffix("-shard-2"))
        #expect(folder.path.hasPrefix("/state/2-of-4/p-"))
    }

    @Test func unshardedPathsAreAsWrittenWithShardZeroOfOne() throws {
        let stages = """
              - type: record
                path: results.jsonl
              - type: record
                path: results-${SHARD}.jsonl
            """
        let pipeline = try Self.load(stages, shard: .unsharded)
        #expect(pipeline.stages.map(\.outputPaths) == [["/out/results.jsonl"], ["/out/results-0.jsonl"]])
        #expect(pipeline.state.directory == "/state/0-of-1")
        #expect(pipeline.state.folderSuffix == "")
    }

    @Test func mergedPathsAreUnshardedWithShardAll() throws {
        let stages = """
              - type: record
                path: results.jsonl
              - type: record
                path: results-${SHARD}.jsonl
            """
        let pipeline = try Self.load(stages, shard: .unsharded, merged: 4)
        #expect(pipeline.stages.map(\.outputPaths) == [["/out/results.jsonl"], ["/out/results-all.jsonl"]])
    }

    @Test func twoStagesOfOneShardStillCannotShareAFile() throws {
        let stages = """
              - type: record
                path: results.jsonl
              - type: record
                path: results.shard-${SHARD}.jsonl
            """
        #expect(throws: PipelineLoadError.self) { try Self.load(stages, shard: try ShardAssignment(index: 1, count: 2)) }
    }
}
