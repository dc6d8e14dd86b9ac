import InMemoryLogging
import Logging

extension InMemoryLogHandler {
    /// A logger at `level` whose entries the returned handler keeps (every copy
    /// of the handler shares them).
    static func logger(level: Logger.Level = .trace) -> (Logger, InMemoryLogHandler) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = level
        return (logger, handler)
    }

    /// Every entry as one line, `level message key=value… error=…`, so a
    /// test can search what reached the log for a secret.
    var lines: [String] {
        entries.map { entry in
            let metadata = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let error = entry.error.map { " error=\($0)" } ?? ""
            return "\(entry.level) \(entry.message) \(metadata)\(error)"
        }
    }
}
