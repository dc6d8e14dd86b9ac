import ExportPipeline
import ExportStageKit
import Foundation
import Logging

/// Logs to stderr, one line per message, with secrets redacted and the
/// progress line (if any) kept out of the way.
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
        var line = RFC3339.format(Date()) + " " + event.level.rawValue + " " + label + ": " + "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        if let error = event.error {
            line += " error=\(error)"
        }
        console.writeLogLine(redactor.redact(line))
    }
}
