import ArgumentParser
import Logging

/// `--log-level`, shared by every subcommand that talks to HSS.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevel = .info

    /// `Logger.Level` as an argument, without conforming swift-log's type to
    /// ArgumentParser's protocol (neither is ours).
    enum LogLevel: String, CaseIterable, ExpressibleByArgument {
        case trace, debug, info, notice, warning, error, critical

        var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    /// A logger writing to `console`, redacting what `redactor` knows.
    func makeLogger(label: String = "hss-export", console: Console, redactor: SecretRedactor) -> Logger {
        var logger = Logger(label: label) { label in
            StandardErrorLogHandler(logLevel: .trace, label: label, redactor: redactor, console: console)
        }
        logger.logLevel = logLevel.level
        return logger
    }
}
