import Foundation
import Logging
import Synchronization

/// stderr, shared by log lines and the live progress line.
///
/// The progress line is drawn only when stderr is a terminal and the log
/// format is text; log lines clear it first and it is redrawn after, so the
/// two never garble each other. With `--log-format json` every line on stderr
/// is a JSON object: see ``writeStandardError(_:level:)``.
final class Console: Sendable {
    private let state = Mutex<String?>(nil)
    private let write: @Sendable (String) -> Void
    private let columns: @Sendable () -> Int?
    /// Whether stderr is a terminal (and so gets a progress line).
    let isTerminal: Bool

    /// A console on stderr; `write` and `columns` replace the real stderr and
    /// its width (tests).
    init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        write: @escaping @Sendable (String) -> Void = Console.writeRawStandardError,
        columns: @escaping @Sendable () -> Int? = Console.standardErrorColumns
    ) {
        self.isTerminal = isTerminal
        self.write = write
        self.columns = columns
    }

    func writeLogLine(_ line: String) {
        state.withLock { progress in
            var text = ""
            if progress != nil { text += "\r\u{1B}[2K" }
            text += line + "\n"
            if let progress { text += progress }
            write(text)
        }
    }

    /// Shows `text` as the progress line (terminals only), cut to the
    /// terminal's width: a line that wrapped could not be cleared.
    func showProgress(_ text: String) {
        // A collector reading JSON lines would get a line it cannot parse.
        guard isTerminal, LogFormat.current == .text else { return }
        var line = text
        if let columns = columns(), columns > 1, line.count >= columns {
            line = String(line.prefix(columns - 2)) + "…"
        }
        state.withLock { progress in
            progress = line
            write("\r\u{1B}[2K" + line)
        }
    }

    /// Removes the progress line.
    func clearProgress() {
        guard isTerminal else { return }
        state.withLock { progress in
            if progress != nil { write("\r\u{1B}[2K") }
            progress = nil
        }
    }

    /// Writes `text` to stderr as it is: log lines, already in the log format.
    static func writeRawStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `text` (lines, each ending in a newline) to stderr: as it is
    /// with `--log-format text`, or each line wrapped in a JSON log object
    /// at `level` with `--log-format json` (``jsonLines(_:level:date:)``).
    ///
    /// Callers redact `text` first, as they always have: the JSON object is
    /// built from the redacted text.
    static func writeStandardError(_ text: String, level: Logger.Level = .error) {
        switch LogFormat.current {
        case .text: writeRawStandardError(text)
        case .json: writeRawStandardError(jsonLines(text, level: level, date: Date()))
        }
    }

    /// `text` as JSON log objects, one per non-empty line, each ending in a
    /// newline: label `hss-export`, the line as the message without its
    /// `hss-export: ` prefix, at `level`, except that a pipeline diagnostic
    /// (`file:line:column: warning: …`) keeps its own severity.
    static func jsonLines(_ text: String, level: Logger.Level, date: Date) -> String {
        var output = ""
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var message = String(line)
            if message.hasPrefix("hss-export: ") { message.removeFirst("hss-export: ".count) }
            var lineLevel = level
            if message.contains(": warning: ") && !message.contains(": error: ") { lineLevel = .warning }
            output += JSONLogHandler.line(level: lineLevel, label: "hss-export", message: message, date: date, redactor: nil) + "\n"
        }
        return output
    }

    /// The width of the terminal on stderr, if it says.
    static func standardErrorColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes one line to stdout and flushes it, so piped readers see it at once.
    static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
