import ExportPipeline
import ExportStageKit
import Foundation
import Logging

/// Logs to stderr, one line per message, with secrets redacted and the
/// progress line (if any) kept out of the way:
///
/// ```
/// 2026-01-02T03:04:05Z info hss-export: source endpoint=https://hss.example.com name="nightly export" project=…
/// ```
///
/// Metadata values are logfmt-quoted when they need it (see
/// ``quoted(_:)``), so a value with a space cannot be mistaken for two pairs.
///
/// Message, metadata and error are redacted before they are quoted (a secret
/// holding `"` would not match once escaped), and the whole line once more
/// once it is assembled, so a secret cannot slip through in a library's
/// metadata key either.
struct StandardErrorLogHandler: ConsoleLogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String
    let redactor: SecretRedactor
    let console: Console

    func line(for event: LogEvent, metadata: Logger.Metadata, date: Date) -> String {
        redactor.redact(Self.line(event, label: label, metadata: metadata, date: date, redactor: redactor))
    }

    /// The line for `event`: time, level, label, message, then `key=value`
    /// metadata (the handler's and the event's, already merged) in key order
    /// and the error, each value redacted by `redactor` (when given) and then
    /// quoted if it needs it.
    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata, date: Date, redactor: SecretRedactor? = nil) -> String {
        let redact: (String) -> String = { redactor?.redact($0) ?? $0 }
        var line = RFC3339.format(date) + " " + event.level.rawValue + " " + label + ": " + redact("\(event.message)")
        if !metadata.isEmpty {
            line += " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted(redact("\($0.value)")))" }.joined(separator: " ")
        }
        if let error = event.error {
            line += " error=\(quoted(redact("\(error)")))"
        }
        return line
    }

    /// `value` as a logfmt value: as it is when it is a plain word, else in
    /// double quotes, with `"` and `\` escaped and control characters
    /// written as `\n`, `\r`, `\t` or `\u{…}`. Empty values are `""`.
    static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { scalar in
                scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.properties.generalCategory == .control
                    || scalar.properties.isWhitespace
            }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    quoted += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}
