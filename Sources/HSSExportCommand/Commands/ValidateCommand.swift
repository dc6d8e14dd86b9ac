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
                func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
                var parts: [String] = []
                if !pipeline.tasks.isEmpty {
                    parts.append(counted(pipeline.tasks.count, "task"))
                } else if pipeline.exports.isEmpty {
                    parts.append("tasks from stdin")
                }
                if !pipeline.exports.isEmpty { parts.append(counted(pipeline.exports.count, "export")) }
                if pipeline.download != nil { parts.append("download") }
                parts.append(counted(pipeline.stages.count, "stage"))
                Console.printLine("\(file): valid (\(parts.joined(separator: ", ")))")
                for note in session.projectLookupNotes(of: pipeline) { Console.printLine("  note: \(note)") }
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
