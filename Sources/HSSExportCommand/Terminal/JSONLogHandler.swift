import ExportPipeline
import ExportStageKit
import Foundation
import Logging

/// Logs to stderr as one JSON object per line (`--log-format json`):
///
/// ```json
/// {"time":"2026-01-02T03:04:05Z","level":"info","label":"hss-export","message":"source","metadata":{"endpoint":"https://…"}}
/// ```
///
/// Keys come in a fixed order: `time`, `level`, `label`, `message`, then
/// `metadata` (an object, present when there is any, so a metadata key can
/// never collide with the fixed ones) and `error` (when the event has one).
///
/// Every string is redacted before it is serialized: a secret holding `"`
/// or `\` would no longer match once JSON-escaped.
struct JSONLogHandler: ConsoleLogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String
    let redactor: SecretRedactor
    let console: Console

    func line(for event: LogEvent, metadata: Logger.Metadata, date: Date) -> String {
        Self.line(
            level: event.level, label: label, message: "\(event.message)", metadata: metadata, error: event.error.map { "\($0)" },
            date: date, redactor: redactor)
    }

    /// One log object, every string in it redacted by `redactor`.
    static func line(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata = [:], error: String? = nil, date: Date,
        redactor: SecretRedactor?
    ) -> String {
        let redact: (String) -> String = { redactor?.redact($0) ?? $0 }
        var members: [(key: String, value: JSONValue)] = [
            ("time", .string(RFC3339.format(date))), ("level", .string(level.rawValue)), ("label", .string(redact(label))),
            ("message", .string(redact(message))),
        ]
        if !metadata.isEmpty { members.append(("metadata", value(of: .dictionary(metadata), redact: redact))) }
        if let error { members.append(("error", .string(redact(error)))) }
        return JSONValue.object(members).serialized
    }

    /// A metadata value as JSON: dictionaries as objects (keys sorted),
    /// arrays as arrays, booleans and whole numbers as themselves, anything
    /// else as its text.
    static func value(of metadata: Logger.MetadataValue, redact: (String) -> String) -> JSONValue {
        switch metadata {
        case .string(let text):
            return .string(redact(text))
        case .stringConvertible(let value):
            if let value = value as? Bool { return .bool(value) }
            if let value = value as? Int { return .integer(value) }
            return .string(redact(value.description))
        case .dictionary(let dictionary):
            return .object(dictionary.sorted { $0.key < $1.key }.map { (redact($0.key), value(of: $0.value, redact: redact)) })
        case .array(let array):
            return .array(array.map { value(of: $0, redact: redact) })
        }
    }
}
