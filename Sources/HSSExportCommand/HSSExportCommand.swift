public import ArgumentParser
import ExportPipeline
public import ExportStageKit

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
        discussion: RunExitCode.documentation,
        version: HSSExportVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, StagesCommand.self, QueryCommand.self,
            WaitCommand.self, SimulateCommand.self, DemoCommand.self, VerifyCommand.self, StateCommand.self,
            MergeCommand.self, CredentialsCommand.self,
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
