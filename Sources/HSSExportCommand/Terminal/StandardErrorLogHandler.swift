import ExportPipeline
import ExportStageKit
import Foundation
import Logging

/// Logs to stderr, one line per message, with secrets redacted and the
/// progress line (if any) kept out of the way.
///
/// The whole line is redacted once it is assembled (message, metadata and
/// error alike), so a secret cannot slip through in a library's metadata,
/// such as AsyncHTTPClient's hex dumps of response bodies at `trace`.
struct StandardErrorLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String
    let redactor: SecretRedactor
    let console: Console

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        console.writeLogLine(redactor.redact(Self.line(event, label: label, metadata: metadata, date: Date())))
    }

    /// The line for `event`, before redaction: time, level, label, message,
    /// then `key=value` metadata in key order and the error.
    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata, date: Date) -> String {
        var line = RFC3339.format(date) + " " + event.level.rawValue + " " + label + ": " + "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        if let error = event.error {
            line += " error=\(error)"
        }
        return line
    }
}
