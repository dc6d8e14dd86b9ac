import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `--log-format`, shared by every subcommand that talks to HSS.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevel = .info

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log format on stderr: text (key=value) or json (one object per line, every stderr line). Default: $\(LogFormat.environmentVariable), else text.",
            valueName: "format"))
    var logFormat: LogFormat?

    /// `Logger.Level` as an argument, without conforming swift-log's type to
    /// ArgumentParser's protocol (neither is ours).
    enum LogLevel: String, CaseIterable, ExpressibleByArgument {
        case trace, debug, info, notice, warning, error, critical

        var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    /// The format: `--log-format`, else ``LogFormat/environmentVariable``, else text.
    func effectiveFormat(environment: [String: String] = ProcessInfo.processInfo.environment) -> LogFormat {
        logFormat ?? LogFormat.fromEnvironment(environment) ?? .text
    }

    /// A logger writing to `console` in the chosen format, redacting what
    /// `redactor` knows; it also makes the format the process's
    /// (``LogFormat/current``), for the messages that are not log lines.
    func makeLogger(label: String = "hss-export", console: Console, redactor: SecretRedactor) -> Logger {
        let format = effectiveFormat()
        LogFormat.current = format
        var logger = Logger(label: label) { label -> any LogHandler in
            switch format {
            case .text: StandardErrorLogHandler(logLevel: .trace, label: label, redactor: redactor, console: console)
            case .json: JSONLogHandler(logLevel: .trace, label: label, redactor: redactor, console: console)
            }
        }
        logger.logLevel = logLevel.level
        return logger
    }
}
