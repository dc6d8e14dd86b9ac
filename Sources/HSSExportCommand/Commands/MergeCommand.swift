import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import ShardMerge

/// `hss-export merge FILE --shards COUNT`: one run's outputs from a sharded run's.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the JSON Lines, CSV and gzip-manifest outputs of a sharded run's shards into one run's outputs.",
        discussion: """
            Reads every shard's outputs at the paths the shards wrote (results.shard-INDEX.jsonl, or the path with \
            ${SHARD}), and writes the unsharded paths (results.jsonl; a path with ${SHARD} gets 'all'): JSON Lines and \
            CSV records in the order one run writes them (listed tasks source by source, then created exports source \
            by source), one CSV header, and a manifest with the merged files' sizes and hashes, a new run id and the \
            shards' run ids. A missing or inconsistent shard output writes nothing (exit 2). Prometheus textfiles and \
            exec outputs stay per shard. See docs/sharding.md.

            Examples:
              hss-export merge fleet.pipeline.yaml --shards 4
              hss-export merge /etc/hss-export/fleet.pipeline.yaml --shards 8
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file the shards ran.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("How many shards the run was split into (its COUNT, JOB_COMPLETIONS).", valueName: "count"))
    var shards: Int

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (2...ShardAssignment.maximumCount).contains(shards) else {
            throw ValidationError("--shards \(shards) is outside 2...\(ShardAssignment.maximumCount): give the COUNT the shards ran with")
        }
    }

    func run() async throws {
        let session = RunSession(logging: logging)
        let base = session.loader(isForRun: false)
        func load(_ configure: (inout PipelineLoader) -> Void) throws(ArgumentParser.ExitCode) -> Pipeline {
            var loader = base
            configure(&loader)
            do {
                return try loader.load(contentsOf: file)
            } catch {
                Console.writeStandardError(session.redactor.redact(error.description) + "\n")
                throw ArgumentParser.ExitCode(RunExitCode.usage)
            }
        }
        let merged = try load { $0.mergedShardCount = shards }
        var shardPipelines: [Pipeline] = []
        for index in 0..<shards {
            // In range: validate() checked the count.
            let assignment = try! ShardAssignment(index: index, count: shards)
            shardPipelines.append(try load { $0.shard = assignment })
        }
        let merger = ShardMerger(merged: merged, shards: shardPipelines, toolVersion: HSSExportVersion.current)
        let report: ShardMergeReport
        do {
            report = try merger.merge()
        } catch {
            throw session.failure(error, exitCode: error.isInputProblem ? .usage : .stageFailed)
        }
        for output in report.outputs {
            Console.printLine(
                "merged \(output.stage) \(output.path): \(output.records) record\(output.records == 1 ? "" : "s") from \(output.inputs.count) shards (\(output.bytes) bytes, sha256 \(output.sha256.prefix(12))…)"
            )
        }
        for stage in report.skipped {
            Console.printLine("left per shard: \(stage)")
        }
        session.logger.info(
            "merge finished",
            metadata: ["run_id": "\(report.runID)", "shard_run_ids": "\(report.shardRunIDs.map { $0 ?? "-" }.joined(separator: ","))"])
    }
}
