import Foundation
import Synchronization

/// stderr, shared by log lines and the live progress line.
///
/// The progress line is drawn only when stderr is a terminal; log lines clear
/// it first and it is redrawn after, so the two never garble each other.
final class Console: Sendable {
    private let state = Mutex<String?>(nil)
    /// Whether stderr is a terminal (and so gets a progress line).
    let isTerminal: Bool

    init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    func writeLogLine(_ line: String) {
        state.withLock { progress in
            var text = ""
            if progress != nil { text += "\r\u{1B}[2K" }
            text += line + "\n"
            if let progress { text += progress }
            Console.writeStandardError(text)
        }
    }

    /// Shows `text` as the progress line (terminals only).
    func showProgress(_ text: String) {
        guard isTerminal else { return }
        state.withLock { progress in
            progress = text
            Console.writeStandardError("\r\u{1B}[2K" + text)
        }
    }

    /// Removes the progress line.
    func clearProgress() {
        guard isTerminal else { return }
        state.withLock { progress in
            if progress != nil { Console.writeStandardError("\r\u{1B}[2K") }
            progress = nil
        }
    }

    static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes one line to stdout and flushes it, so piped readers see it at once.
    static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
