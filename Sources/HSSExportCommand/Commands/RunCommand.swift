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

            --dry-run loads the file, resolves the credentials (the log names their source, never a value), sends \
            one status request per credential to prove the endpoint answers and accepts them, and prints what the run \
            would create, poll, download and write. It writes nothing (no state directory, lock, journal, output or \
            download); only the host-wide budget ledger counts its request. Exit 0 when the check passes, 3 when HSS \
            refuses the credentials or cannot be reached, 2 for a bad file.

            The summary goes to stdout (stderr when a stage writes stdout with `path: -`); --summary json prints it \
            as one JSON document on stdout instead (a usage error when a stage writes stdout). See docs/operations.md.

            Examples:
              hss-export run /etc/hss-export/nightly.pipeline.yaml
              hss-export run --dry-run nightly.pipeline.yaml
              hss-export run --summary json nightly.pipeline.yaml > summary.json
              hss-export run --shard 2/4 fleet.pipeline.yaml
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file (YAML or JSON).", valueName: "file"))
    var file: String

    @Flag(
        name: .customLong("dry-run"),
        help: "Check the file, the credentials and the endpoint (one request per credential) and print what a run would do; write nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The run summary: text, or json (one JSON document on stdout).", valueName: "format"))
    var summary: SummaryFormat = .text

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state directory (overrides state.dir).", valueName: "dir"))
    var stateDirectory: String?

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let shard = try sharding.assignment(environment: session.environment)
        let standardInput = StandardInputUse()
        let pipeline = try Self.load(file, shard: shard, session: session, standardInput: standardInput)
        let stdoutStage = pipeline.standardOutputStage
        if summary == .json, let stage = stdoutStage {
            throw session.failure(
                "--summary json prints on stdout, but stage \(stage.index + 1) (\(stage.typeName)) writes stdout (path: -); "
                    + "drop --summary json (the text summary then goes to stderr) or give that stage a file path",
                exitCode: .usage)
        }
        if dryRun {
            guard summary == .text else {
                throw session.failure("--dry-run prints a plan, not a run summary; drop --summary json", exitCode: .usage)
            }
            let trial = DryRun(
                session: session, pipeline: pipeline.shard(shard), shard: shard, stateDirectory: stateDirectory,
                tasksFromStandardInput: standardInput.wasRead)
            throw try await trial.perform()
        }
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
        throw session.finish(
            report, summaryToStandardError: stdoutStage != nil, format: summary,
            pipelineFile: FilePath.resolve(file, against: FileManager.default.currentDirectoryPath), shard: shard)
    }

    /// Loads `file` for a run of `shard`: every problem is written to stderr
    /// as a located diagnostic, and the exit is 2.
    static func load(
        _ file: String, shard: ShardAssignment, session: RunSession, standardInput: StandardInputUse = StandardInputUse()
    ) throws(ArgumentParser.ExitCode) -> Pipeline {
        var loader = session.loader(isForRun: true)
        loader.shard = shard
        let read = loader.readStandardInput
        loader.readStandardInput = {
            standardInput.markRead()
            return read()
        }
        do {
            let pipeline = try loader.load(contentsOf: file)
            for warning in pipeline.warnings { Console.writeStandardError(session.redactor.redact(warning.description) + "\n", level: .warning) }
            return pipeline
        } catch {
            Console.writeStandardError(session.redactor.redact(error.description) + "\n")
            throw ArgumentParser.ExitCode(RunExitCode.usage)
        }
    }
}
