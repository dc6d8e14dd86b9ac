import ArgumentParser
import ExportPipeline
import Foundation

/// `hss-export run FILE`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: wait for its tasks and write the stages' outputs.",
        discussion: "Credentials come from the file's source.auth, or from HSS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK."
    )

    @Argument(help: "The pipeline file (YAML or JSON).")
    var file: String

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = CommandSession(logging: logging)
        let pipeline: Pipeline
        do {
            pipeline = try PipelineLoader.forHSS(environment: session.environment, isForRun: true).load(contentsOf: file)
        } catch {
            Console.writeStandardError(session.redactor.redact("\(error)") + "\n")
            throw ArgumentParser.ExitCode(RunExitCode.usage)
        }
        let report = try await session.execute(pipeline)
        Console.printLine(session.redactor.redact(report.summaryText))
        throw ArgumentParser.ExitCode(report.exitCode)
    }
}
