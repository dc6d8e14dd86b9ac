import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export wait TASK_ID...` or `wait --pipeline FILE`: wait, results on stdout.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for export tasks and print each result as one JSON line, in the order given.",
        discussion: """
            Results go to stdout as JSON Lines, one per task, in the order given; the summary and the logs go to \
            stderr, so stdout is pure JSON Lines. Nothing is written to disk: no stage, journal or lock. Exit codes \
            as for run.

            Without --pipeline, the source is --region or --endpoint with --project-id (or HSS_PROJECT_ID), and the \
            credentials are HSS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (+ \
            HUAWEICLOUD_SDK_SECURITY_TOKEN), or a profile file, or the ECS agency.

            With --pipeline FILE, the source (or sources), their credentials (source.auth), the listed tasks (a list, \
            tasks.file or tasks.stdin) and the wait: settings come from the file, which is loaded and checked as run \
            loads it. wait ignores the file's exports (none is created: wait only waits for listed tasks), its \
            download:, its state: and its stages (no output is written). The source options are refused with \
            --pipeline; the wait options given override the file's wait: settings.

            Examples:
              hss-export wait --region cn-north-4 --project-id "$HSS_PROJECT_ID" t-1 t-2
              hss-export wait --endpoint http://127.0.0.1:8080 --timeout 5m t-1
              hss-export wait --pipeline nightly.pipeline.yaml > results.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The export task ids (none with --pipeline).", valueName: "task-id"))
    var taskIDs: [String] = []

    @Option(
        name: .customLong("pipeline"),
        help: ArgumentHelp("Take the source, credentials, tasks and wait settings from this pipeline file.", valueName: "file"))
    var pipelineFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if pipelineFile != nil {
            if !taskIDs.isEmpty {
                throw ValidationError("give task ids or --pipeline, not both (with --pipeline, the tasks are the file's)")
            }
            let given = source.givenOptions
            if !given.isEmpty {
                throw ValidationError(
                    "\(given.joined(separator: ", ")) cannot be used with --pipeline: the source is the file's (edit its source: instead)")
            }
            return
        }
        if taskIDs.isEmpty { throw ValidationError("give at least one task id, or --pipeline FILE") }
        if Set(taskIDs).count != taskIDs.count { throw ValidationError("a task id is given twice") }
        try source.requireLocation()
    }

    func run() async throws {
        let session = RunSession(logging: logging)
        let pipeline =
            try pipelineFile.map { file throws(ArgumentParser.ExitCode) in try Self.waitPipeline(file, session: session, waiting: waiting) }
            ?? Pipeline(
                file: "<command line>", sha256: "", source: try source.sourceSpec(environment: session.environment),
                tasks: taskIDs.map { TaskSpec(id: $0) }, wait: try waiting.policy(), stages: [])
        var printing = pipeline
        printing.stages = [ConfiguredStage(typeName: StandardOutputStage.typeName, index: 0, stage: StandardOutputStage())]
        let report = try await session.execute(printing)
        throw session.finish(report, summaryToStandardError: true, hasStages: false)
    }

    /// `file`'s sources, tasks and wait settings (the options given
    /// override the latter); no export, download, state or stage.
    static func waitPipeline(_ file: String, session: RunSession, waiting: WaitOptions) throws(ArgumentParser.ExitCode) -> Pipeline {
        var pipeline = try RunCommand.load(file, shard: .unsharded, session: session)
        guard !pipeline.tasks.isEmpty else {
            throw session.failure(
                "\(file) lists no task to wait for (wait does not create exports); list task ids in its tasks:, "
                    + "or use 'hss-export run \(file)' to create its exports",
                exitCode: .usage)
        }
        if !pipeline.exports.isEmpty {
            session.logger.notice(
                "wait ignores the file's exports: none is created; only its listed tasks are waited for",
                metadata: ["exports": "\(pipeline.exports.count)"])
        }
        do {
            pipeline.wait = try waiting.policy(base: pipeline.wait)
        } catch {
            throw session.failure("\(error)", exitCode: .usage)
        }
        pipeline.exports = []
        pipeline.download = nil
        pipeline.stages = []
        return pipeline
    }
}
