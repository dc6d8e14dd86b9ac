import ArgumentParser
import ExportPipeline
import Foundation
import Logging

/// What every subcommand that talks to HSS sets up: stderr, the secret
/// redactor and the logger, and one way to report a failure.
struct CommandSession {
    let console = Console()
    let redactor = SecretRedactor()
    let logger: Logger
    let environment = ProcessInfo.processInfo.environment

    init(logging: LoggingOptions, label: String = "hss-export") {
        logger = logging.makeLogger(label: label, console: console, redactor: redactor)
    }

    /// Writes `error` (redacted) to stderr and returns the exit to throw.
    func failure(_ error: any Error, exitCode: RunExitCode) -> ArgumentParser.ExitCode {
        failure("\(error)", exitCode: exitCode)
    }

    /// Writes `message` (redacted) to stderr and returns the exit to throw.
    func failure(_ message: String, exitCode: RunExitCode) -> ArgumentParser.ExitCode {
        Console.writeStandardError("hss-export: " + redactor.redact(message) + "\n")
        return ArgumentParser.ExitCode(exitCode)
    }

    /// Runs `pipeline`; a problem found before the first request is exit 2.
    func execute(_ pipeline: Pipeline, environment: [String: String]? = nil) async throws -> RunReport {
        let execution = PipelineExecution(
            pipeline: pipeline, environment: environment ?? self.environment, logger: logger, console: console, redactor: redactor
        )
        do {
            return try await execution.run()
        } catch {
            throw failure(error, exitCode: .usage)
        }
    }
}
