import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export validate FILE...`: check pipeline files without running them.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files: syntax, keys, types, durations, stage options, variables.",
        discussion: """
            Credentials need not be present: nothing is requested and nothing is written. Problems go to \
            stderr as file:line:column: error: message; fix, and warnings (a $VAR without braces, a secret \
            written in the file) as file:line:column: warning: message; fix. A file given as - is read from \
            standard input. Exits 2 if any file is invalid; warnings do not change the exit code.

            --format json prints one JSON document on stdout instead: every file with its diagnostics \
            (file, line, column, severity, message, fix). --no-environment checks a file on a machine that \
            has none of its variables (a CI job): an unset ${VAR} is not an error, and the checks of the \
            values that use one are skipped.

            Examples:
              hss-export validate /etc/hss-export/nightly.pipeline.yaml
              hss-export validate --no-environment --format json pipelines/*.pipeline.yaml
              hss-export validate - < generated.pipeline.yaml
            """
    )

    /// How the results are printed.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, json
    }

    @Argument(help: ArgumentHelp("The pipeline files to check (- for standard input).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("How to print the results: text, or json (one document on stdout).", valueName: "format"))
    var format: Format = .text

    @Flag(name: .long, help: "Do not need the environment: an unset ${VAR} is not an error and the checks of its values are skipped.")
    var noEnvironment = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one pipeline file") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be given only once") }
    }

    /// What was found in one file.
    struct FileResult {
        var file: String
        var check: PipelineCheck
        var summary: String?
        var notes: [String]
    }

    func run() async throws {
        let session = RunSession(logging: logging)
        var loader = session.loader(isForRun: false)
        loader.allowsUnsetVariables = noEnvironment
        let results = files.map { check($0, loader: loader, session: session) }
        let invalid = results.filter { !$0.check.isValid }.count
        switch format {
        case .text: printText(results, invalid: invalid, session: session)
        case .json: Console.printLine(session.redactor.redact(Self.document(results, invalid: invalid).serialized))
        }
        if invalid > 0 { throw ExitCode(RunExitCode.usage) }
    }

    func check(_ file: String, loader: PipelineLoader, session: RunSession) -> FileResult {
        var check = loader.check(contentsOf: file)
        let label = file == "-" ? PipelineLoader.standardInputName : file
        guard check.isValid else { return FileResult(file: label, check: check, summary: nil, notes: []) }
        var notes: [String] = []
        if !check.unsetVariables.isEmpty {
            let names = check.unsetVariables.map { "${\($0)}" }.joined(separator: ", ")
            notes.append("not set, so the values that use them were not checked: \(names)")
        }
        guard let pipeline = check.pipeline else { return FileResult(file: label, check: check, summary: "values not checked", notes: notes) }
        let unset = check.unsetLocations
        check.errors = session.sourceDiagnostics(of: pipeline).filter { problem in
            !(noEnvironment && unset.contains { $0.line == problem.line && $0.column == problem.column })
        }
        guard check.isValid else { return FileResult(file: label, check: check, summary: nil, notes: []) }
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
        return FileResult(file: label, check: check, summary: parts.joined(separator: ", "), notes: session.projectLookupNotes(of: pipeline) + notes)
    }

    func printText(_ results: [FileResult], invalid: Int, session: RunSession) {
        for result in results {
            if result.check.isValid {
                for warning in result.check.warnings {
                    Console.writeStandardError(session.redactor.redact(warning.description) + "\n", level: .warning)
                }
                Console.printLine("\(result.file): valid (\(result.summary ?? ""))")
                for note in result.notes { Console.printLine("  note: \(note)") }
            } else {
                let error = PipelineLoadError(diagnostics: result.check.errors, warnings: result.check.warnings)
                Console.writeStandardError(session.redactor.redact(error.description) + "\n")
            }
        }
        if invalid > 0 {
            Console.writeStandardError("\(invalid) of \(files.count) pipeline file\(files.count == 1 ? "" : "s") invalid\n")
        }
    }

    /// `{"valid": …, "files": [{"file", "valid", "summary", "notes", "diagnostics": [...]}], "invalid_files": N}`.
    static func document(_ results: [FileResult], invalid: Int) -> JSONValue {
        .object([
            ("valid", .bool(invalid == 0)),
            ("invalid_files", .integer(invalid)),
            (
                "files",
                .array(
                    results.map { result in
                        .object([
                            ("file", .string(result.file)),
                            ("valid", .bool(result.check.isValid)),
                            ("summary", JSONValue(result.summary)),
                            ("notes", .array(result.notes.map(JSONValue.string))),
                            ("unset_variables", .array(result.check.unsetVariables.map(JSONValue.string))),
                            ("diagnostics", .array(result.check.diagnostics.map(json(of:)))),
                        ])
                    })
            ),
        ])
    }

    /// One diagnostic: where (1-based, as in the text form), how bad, what, and the fix.
    static func json(of diagnostic: PipelineDiagnostic) -> JSONValue {
        .object([
            ("file", .string(diagnostic.file)),
            ("line", .integer(max(diagnostic.line, 1))),
            ("column", .integer(max(diagnostic.column, 1))),
            ("severity", .string(diagnostic.severity.rawValue)),
            ("message", .string(diagnostic.message)),
            ("fix", JSONValue(diagnostic.fix)),
        ])
    }
}
