import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export wait TASK_ID...`: wait without a pipeline file, results on stdout.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for export tasks and print each result as one JSON line, in the order given.",
        discussion: "The summary goes to stderr, so stdout is pure JSON Lines. Exit codes as for run."
    )

    @Argument(help: "The export task ids.")
    var taskIDs: [String]

    @OptionGroup var source: SourceOptions
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if taskIDs.isEmpty { throw ValidationError("give at least one task id") }
        if Set(taskIDs).count != taskIDs.count { throw ValidationError("a task id is given twice") }
    }

    func run() async throws {
        let session = RunSession(logging: logging)
        let pipeline = Pipeline(
            file: "<command line>", sha256: "", source: try source.sourceSpec(environment: session.environment),
            tasks: taskIDs.map { TaskSpec(id: $0) }, wait: try waiting.policy(),
            stages: [ConfiguredStage(typeName: StandardOutputStage.typeName, index: 0, stage: StandardOutputStage())]
        )
        let report = try await session.execute(pipeline)
        throw session.finish(report, summaryToStandardError: true)
    }
}
