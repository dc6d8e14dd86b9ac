public import ArgumentParser
import ExportPipeline
public import ExportStageKit
import Foundation

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
            A pipeline file says where HSS is, which export tasks to wait for (or which exports to \
            create) and which stages write the results; 'run' runs it, 'validate' checks it without \
            credentials. 'wait' and 'query' work from the command line alone; 'demo' tries everything \
            against a built-in simulator.

            \(RunExitCode.documentation)

            Shell completions: hss-export --generate-completion-script bash|zsh|fish prints the script \
            (the release tarball installs them). The man page (man hss-export, one page per subcommand) \
            is generated from these help texts with swift-argument-parser's generate-manual.

            Examples:
              hss-export demo
              hss-export validate /etc/hss-export/nightly.pipeline.yaml
              hss-export run /etc/hss-export/nightly.pipeline.yaml
              hss-export run --log-format json nightly.pipeline.yaml
              hss-export --generate-completion-script zsh
            """,
        version: HSSExportVersion.description,
        subcommands: [
            RunCommand.self, ValidateCommand.self, StagesCommand.self, QueryCommand.self,
            WaitCommand.self, SimulateCommand.self, DemoCommand.self, VerifyCommand.self, StateCommand.self,
            MergeCommand.self, CredentialsCommand.self,
        ]
    )

    /// Creates the root command (ArgumentParser does this when parsing).
    public init() {}

    /// A bare `hss-export` did not say what to do: the help, on stderr (it is
    /// not the output of a command), and the usage exit.
    public func run() async throws {
        Console.writeStandardError(Self.helpMessage() + "\n")
        throw ArgumentParser.ExitCode(RunExitCode.usage)
    }

    /// Runs the command line with `registry` as the stage types pipeline files may use.
    ///
    /// Bad invocations exit 2 (not ArgumentParser's 64), so every "nothing
    /// was done because of what you typed or wrote" has one exit code. The
    /// log format is read from the arguments before they are parsed, so with
    /// `--log-format json` even a parse error is a JSON line.
    public static func main(registry: StageRegistry) async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        LogFormat.current = LogFormat.requested(by: arguments, environment: ProcessInfo.processInfo.environment)
        await CommandEnvironment.$registry.withValue(registry) {
            if let message = unknownSubcommandMessage(arguments) {
                Console.writeStandardError(message + "\n")
                Self.exit(withError: ArgumentParser.ExitCode(RunExitCode.usage))
            }
            var command: any ParsableCommand
            do {
                command = try parseAsRoot(arguments)
            } catch {
                exit(reporting: error, usageOf: nil)
            }
            do {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                exit(reporting: error, usageOf: type(of: command))
            }
        }
    }

    /// Writes `error` to stderr (in the log format) and exits with its code:
    /// 2 for a bad invocation. A `ValidationError` thrown while a subcommand
    /// runs gets `command`'s usage line, not the root's.
    static func exit(reporting error: any Error, usageOf command: (any ParsableCommand.Type)?) -> Never {
        let code = exitCode(for: error)
        if error is ArgumentParser.ExitCode || error is CleanExit || code == .success {
            // Nothing to say (the command said it), or help and --version for stdout.
            Self.exit(withError: error)
        }
        let redactor = SecretRedactor()
        redactor.add(environment: ProcessInfo.processInfo.environment)
        if code == .validationFailure {
            let text: String
            if let command, command != Self.self {
                let name = command.configuration.commandName ?? "\(command)"
                text =
                    "Error: \(message(for: error))\nUsage: \(usageString(for: command))\n"
                    + "  See 'hss-export \(name) --help' for more information."
            } else {
                text = fullMessage(for: error)
            }
            Console.writeStandardError(redactor.redact(text) + "\n")
            Self.exit(withError: ArgumentParser.ExitCode(RunExitCode.usage))
        }
        Console.writeStandardError(redactor.redact(fullMessage(for: error)) + "\n")
        Self.exit(withError: ArgumentParser.ExitCode(code.rawValue))
    }

    /// The names a first argument may be: the subcommands and `help`.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// What to say when the first argument is a word but no subcommand's
    /// name ("did you mean 'run'?"), else nil.
    static func unknownSubcommandMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommandNames.contains(first) else { return nil }
        let names = subcommandNames.filter { $0 != "help" }
        // Two swapped letters (`wiat`) are two edits, more than a short word's tolerance.
        let swapped = names.first { $0.count == first.count && $0.sorted() == first.lowercased().sorted() }
        let hint =
            (Suggestion.closest(to: first, in: names) ?? swapped).map { "did you mean '\($0)'?" }
            ?? "the commands are " + names.joined(separator: ", ")
        return "Error: unknown command '\(first.prefix(64))'; \(hint)\nUsage: \(usageString())\n"
            + "  See 'hss-export --help' for more information."
    }
}

/// Values the command line is run with, set by ``HSSExportCommand/main(registry:)``.
enum CommandEnvironment {
    @TaskLocal static var registry: StageRegistry = .builtIn
}
