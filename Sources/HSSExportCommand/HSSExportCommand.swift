import ArgumentParser
import ExportPipeline

/// The `hss-export` command line, as a library so a custom binary can run it
/// with more stages registered:
///
/// ```swift
/// import HSSExportCommand
///
/// @main enum MyExport {
///     static func main() async {
///         await HSSExportCommand.main(registry: .builtIn.registering(MarkdownReportStage.self))
///     }
/// }
/// ```
public struct HSSExportCommand: AsyncParsableCommand {
    /// The command name, help text, version and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "hss-export",
        abstract: "Wait for Huawei Cloud HSS export tasks and write their results through output stages.",
        discussion: """
            Exit codes: 0 all tasks succeeded and all stages committed; 1 a task failed or timed out; \
            2 bad invocation or pipeline file (nothing written, no request made); 3 the API refused or \
            was unreachable for a task; 4 a stage failed to commit; 130 interrupted. \
            When several apply, the highest in 130 > 4 > 3 > 1 wins.
            """,
        version: HSSExportVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, StagesCommand.self, QueryCommand.self,
            WaitCommand.self, SimulateCommand.self, DemoCommand.self,
        ]
    )

    /// Creates the root command (ArgumentParser does this when parsing).
    public init() {}

    /// Runs the command line with `registry` as the stage types pipeline files may use.
    ///
    /// Bad invocations exit 2 (not ArgumentParser's 64), so every "nothing
    /// was done because of what you typed or wrote" has one exit code.
    public static func main(registry: StageRegistry) async {
        await CommandEnvironment.$registry.withValue(registry) {
            do {
                var command = try parseAsRoot()
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                if exitCode(for: error) == .validationFailure {
                    Console.writeStandardError(fullMessage(for: error) + "\n")
                    Self.exit(withError: ArgumentParser.ExitCode(RunExitCode.usage))
                }
                Self.exit(withError: error)
            }
        }
    }
}

/// Values the command line is run with, set by ``HSSExportCommand/main(registry:)``.
enum CommandEnvironment {
    @TaskLocal static var registry: StageRegistry = .builtIn
}

extension ArgumentParser.ExitCode {
    /// The ArgumentParser exit code for a run's exit code.
    init(_ code: RunExitCode) {
        self.init(code.rawValue)
    }
}
