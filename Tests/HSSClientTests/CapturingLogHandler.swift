import Logging
import Synchronization

/// A log handler that keeps every rendered line, so tests can check what reached the log.
struct CapturingLogHandler: LogHandler {
    /// The lines logged so far, shared by all copies of the handler.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        func append(_ line: String) { storage.withLock { $0.append(line) } }
        var all: [String] { storage.withLock { $0 } }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        lines.append("\(event.level) \(event.source) \(event.message) \(rendered)\(error)")
    }

    /// A logger at `level` whose lines end up in the returned store.
    static func logger(level: Logger.Level = .trace) -> (Logger, Lines) {
        let lines = Lines()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = level
        return (logger, lines)
    }
}
