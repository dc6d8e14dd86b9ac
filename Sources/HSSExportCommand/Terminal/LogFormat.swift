import ArgumentParser
import Synchronization

/// How stderr is written: `text` lines for people, or one JSON object per
/// line for log collectors (`--log-format json`, or `HSS_EXPORT_LOG_FORMAT=json`
/// for a cron job or unit file that cannot change the command line).
///
/// The format is process-wide: everything on stderr, log lines and the plain
/// messages ``Console/writeStandardError(_:level:)`` writes (diagnostics,
/// usage errors, signal notes), follows it, so a collector never sees a line
/// it cannot parse. ``HSSExportCommand/main(registry:)`` sets it from the
/// arguments before they are parsed, so even a parse error comes out as JSON.
enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case text, json

    /// The environment variable that sets the format when `--log-format` is not given.
    static let environmentVariable = "HSS_EXPORT_LOG_FORMAT"

    private static let state = Mutex(LogFormat.text)

    /// The format stderr is written in now.
    static var current: LogFormat {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// The format `arguments` ask for (the last `--log-format` wins, as when
    /// parsing), else `environment`'s ``environmentVariable``, else text.
    ///
    /// This runs before parsing, so it only looks for the exact spellings
    /// `--log-format VALUE` and `--log-format=VALUE` before a `--`.
    static func requested(by arguments: [String], environment: [String: String]) -> LogFormat {
        var found: LogFormat?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--log-format", index + 1 < arguments.endIndex {
                found = LogFormat(rawValue: arguments[index + 1]) ?? found
                index += 2
                continue
            }
            if argument.hasPrefix("--log-format=") {
                found = LogFormat(rawValue: String(argument.dropFirst("--log-format=".count))) ?? found
            }
            index += 1
        }
        return found ?? fromEnvironment(environment) ?? .text
    }

    /// The format ``environmentVariable`` names, if it names one.
    static func fromEnvironment(_ environment: [String: String]) -> LogFormat? {
        environment[environmentVariable].flatMap { LogFormat(rawValue: $0.lowercased()) }
    }
}
