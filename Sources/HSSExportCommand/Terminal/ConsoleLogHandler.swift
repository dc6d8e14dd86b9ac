import Foundation
import Logging

/// What the text and JSON log handlers share: the handler's metadata, the
/// event's merged over it (the event's value wins for a key both have), and
/// the finished line written to stderr through the console, which keeps the
/// progress line out of its way. A conforming handler only renders the line.
protocol ConsoleLogHandler: LogHandler {
    var label: String { get }
    var redactor: SecretRedactor { get }
    var console: Console { get }

    /// The line for `event`, with `metadata` already merged; it is written as it is.
    func line(for event: LogEvent, metadata: Logger.Metadata, date: Date) -> String
}

extension ConsoleLogHandler {
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        console.writeLogLine(line(for: event, metadata: merged, date: Date()))
    }
}
