import Foundation
import Synchronization

/// stderr, shared by log lines and the live progress line.
///
/// The progress line is drawn only when stderr is a terminal; log lines clear
/// it first and it is redrawn after, so the two never garble each other.
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
        write: @escaping @Sendable (String) -> Void = Console.writeStandardError,
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
        guard isTerminal else { return }
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

    static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
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
