import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export validate FILE...`: check pipeline files without running them.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files: syntax, keys, types, durations, stage options, variables.",
        discussion: "Credentials need not be present. Problems go to stderr as file:line:column: error: message. Exits 2 if any file is invalid."
    )

    @Argument(help: "The pipeline files to check.")
    var files: [String]

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one pipeline file") }
    }

    func run() async throws {
        let session = RunSession(logging: logging)
        let loader = session.loader(isForRun: false)
        var invalid = 0
        for file in files {
            do throws(PipelineLoadError) {
                let pipeline = try loader.load(contentsOf: file)
                let problems = session.sourceDiagnostics(of: pipeline)
                guard problems.isEmpty else { throw PipelineLoadError(diagnostics: problems) }
                let tasks = pipeline.tasks.isEmpty ? "tasks from stdin" : "\(pipeline.tasks.count) task\(pipeline.tasks.count == 1 ? "" : "s")"
                Console.printLine("\(file): valid (\(tasks), \(pipeline.stages.count) stage\(pipeline.stages.count == 1 ? "" : "s"))")
            } catch {
                invalid += 1
                Console.writeStandardError(error.description + "\n")
            }
        }
        if invalid > 0 {
            Console.writeStandardError("\(invalid) of \(files.count) pipeline file\(files.count == 1 ? "" : "s") invalid\n")
            throw ExitCode(RunExitCode.usage)
        }
    }
}
