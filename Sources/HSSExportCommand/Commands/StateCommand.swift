import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export state FILE`: what an interrupted run of a pipeline left, and
/// how to settle a create whose outcome is unknown.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show a pipeline's run journal, and settle exports whose create outcome is unknown.",
        discussion: """
            A create that timed out or was cut off after it was sent may or may not have created a task, and the API \
            cannot tell; hss-export then never sends it again on its own. Look for the task in the HSS console's \
            export tasks, then either adopt it, so the next run waits for it, or have the next run create it anew.

            Examples:
              hss-export state nightly.pipeline.yaml
              hss-export state nightly.pipeline.yaml --adopt vulnerabilities=5f2c0e1a-task
              hss-export state nightly.pipeline.yaml --recreate events
              hss-export state nightly.pipeline.yaml --state-dir /var/lib/hss-export
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file.", valueName: "file"))
    var file: String

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state directory (overrides state.dir).", valueName: "dir"))
    var stateDirectory: String?

    @Option(help: ArgumentHelp("Wait for this task for the export in the next run.", valueName: "export=task-id"))
    var adopt: [String] = []

    @Option(help: ArgumentHelp("Forget the export's unknown create, so the next run creates it again.", valueName: "export"))
    var recreate: [String] = []

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let pipeline = try session.loadForRun(file)
        guard pipeline.usesState else {
            throw session.failure("\(file) neither creates exports nor downloads, so its runs keep no state", exitCode: .usage)
        }
        let runID = "state-" + RunContext.makeRunID()
        guard let journal = try session.openJournal(for: pipeline, runID: runID, environment: session.environment, override: stateDirectory) else {
            throw session.failure("\(file) keeps no state", exitCode: .usage)
        }
        let names = Set(pipeline.exports.map(\.key))
        var changes: [(String, String?)] = []
        for item in adopt {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw session.failure("--adopt '\(item)' is not EXPORT=TASK_ID", exitCode: .usage)
            }
            changes.append((parts[0], parts[1]))
        }
        changes += recreate.map { ($0, nil) }
        for (name, taskID) in changes {
            guard names.contains(name) else {
                let known = names.sorted().joined(separator: ", ")
                throw session.failure("'\(name)' is not an export of \(file) (its exports: \(known))", exitCode: .usage)
            }
            do {
                guard try await journal.resolve(export: name, taskID: taskID) else {
                    throw session.failure("the journal has nothing for export '\(name)': the next run creates it anyway", exitCode: .usage)
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw session.failure(error, exitCode: .usage)
            }
            Console.printLine(taskID.map { "export \(name): the next run waits for task \($0)" } ?? "export \(name): the next run creates it again")
        }
        Console.printLine("state directory: \(journal.directory.path)")
        let states = await journal.exportStates
        if states.isEmpty {
            Console.printLine("no interrupted run: the next run starts afresh")
        }
        for state in states {
            let task = state.taskID.map { " task \($0)" } ?? ""
            let sent = state.sentAt.map { " (sent \($0))" } ?? ""
            Console.printLine("  \(state.name): \(state.state)\(task)\(sent)")
        }
        await journal.close(jobFinished: false)
    }
}
