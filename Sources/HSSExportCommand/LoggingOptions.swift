import ArgumentParser
import Logging

/// `--log-level`, shared by every subcommand that talks to HSS.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// A logger writing to `console`, redacting what `redactor` knows.
    func makeLogger(label: String = "hss-export", console: Console, redactor: SecretRedactor) -> Logger {
        var logger = Logger(label: label) { label in
            StandardErrorLogHandler(logLevel: .trace, label: label, redactor: redactor, console: console)
        }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
