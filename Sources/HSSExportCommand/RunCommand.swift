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
        let console = Console()
        let redactor = SecretRedactor()
        let logger = logging.makeLogger(console: console, redactor: redactor)
        let environment = ProcessInfo.processInfo.environment
        let loader = PipelineLoader.forHSS(environment: environment, isForRun: true)
        let pipeline: Pipeline
        do {
            pipeline = try loader.load(contentsOf: file)
        } catch {
            Console.writeStandardError(redactor.redact(error.description) + "\n")
            throw ExitCode(RunExitCode.usage)
        }
        let execution = PipelineExecution(pipeline: pipeline, environment: environment, logger: logger, console: console, redactor: redactor)
        let report: RunReport
        do {
            report = try await execution.run()
        } catch {
            Console.writeStandardError("hss-export: " + redactor.redact("\(error)") + "\n")
            throw ExitCode(RunExitCode.usage)
        }
        Console.printLine(redactor.redact(report.summaryText))
        throw ExitCode(report.exitCode)
    }
}
