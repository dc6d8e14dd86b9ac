import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export run FILE`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: create its exports, wait for its tasks, download their files, write the stages' outputs.",
        discussion: """
            Credentials come from the file's source.auth, or from HSS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK.

            A pipeline that creates exports or downloads keeps a journal and a lock in its state directory \
            (state.dir, HSS_EXPORT_STATE_DIR, systemd's STATE_DIRECTORY, /var/lib/hss-export for root, else \
            ~/.local/state/hss-export): a run that was killed or interrupted resumes where it stopped when started \
            again, and never creates an export twice; a second run while the first still runs exits 5 at once.

            --shard INDEX/COUNT (or JOB_COMPLETION_INDEX and JOB_COMPLETIONS in a Kubernetes Indexed Job) runs the \
            sources at positions i with i % COUNT == INDEX; each shard writes its own outputs (results.jsonl becomes \
            results.shard-INDEX.jsonl unless the path uses ${SHARD}) and `hss-export merge` combines them. \
            See docs/sharding.md.

            Example:
              hss-export run /etc/hss-export/nightly.pipeline.yaml
              hss-export run --shard 2/4 fleet.pipeline.yaml
            """
    )

    @Argument(help: "The pipeline file (YAML or JSON).")
    var file: String

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state directory (overrides state.dir).", valueName: "dir"))
    var stateDirectory: String?

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let shard = try sharding.assignment(environment: session.environment)
        let pipeline = try Self.load(file, shard: shard, session: session)
        if shard.isSharded {
            let positions = shard.positions(among: pipeline.sources.count)
            if positions.isEmpty {
                session.logger.notice(
                    "shard \(shard) has no source to run (the pipeline has \(pipeline.sources.count)); writing empty outputs so merge finds this shard's files"
                )
            } else {
                session.logger.info(
                    "shard",
                    metadata: ["shard": "\(shard)", "sources": "\(positions.map { pipeline.sourceName(at: $0) ?? "source" }.joined(separator: ","))"])
            }
        }
        let report = try await session.execute(pipeline.shard(shard), stateDirectory: stateDirectory)
        throw session.finish(report)
    }

    /// Loads `file` for a run of `shard`: every problem is written to stderr
    /// as a located diagnostic, and the exit is 2.
    static func load(_ file: String, shard: ShardAssignment, session: RunSession) throws(ArgumentParser.ExitCode) -> Pipeline {
        var loader = session.loader(isForRun: true)
        loader.shard = shard
        do {
            return try loader.load(contentsOf: file)
        } catch {
            Console.writeStandardError(session.redactor.redact(error.description) + "\n")
            throw ArgumentParser.ExitCode(RunExitCode.usage)
        }
    }
}
