import ExportStageKit
import Subprocess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The command failed: it could not start, exited with a non-zero status, was
/// killed by a signal, ran out of time, or was stopped because the run was
/// interrupted.
public struct ExecStageError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// Starting the command failed: `call`, the system call that
        /// failed, returned `errno` `code`.
        case couldNotStart(call: String, code: Int32, path: String, workingDirectory: String?)
        /// The command exited with this non-zero status.
        case exited(status: Int32)
        /// A signal the stage did not send killed the command.
        case killedBySignal(Int32)
        /// The command ran longer than the timeout and was killed.
        case timedOut(Duration)
        /// The run was interrupted (the task running the stage was cancelled)
        /// while the command ran: its process group got SIGTERM and, `killGrace`
        /// later, SIGKILL to whatever still ran.
        case interrupted(killGrace: Duration)
        /// The run was interrupted before the command was started, so it was not.
        case interruptedBeforeStart
        /// The command ended but its exit status could not be read.
        case statusUnavailable
    }

    /// The program as written in the pipeline file, e.g. `notify.sh`.
    public var command: String
    /// What went wrong.
    public var reason: Reason
    /// The end of what the command wrote to standard error (empty when it
    /// wrote nothing), marked where earlier bytes were left out.
    public var standardError: String

    /// Creates an error.
    public init(command: String, reason: Reason, standardError: String = "") {
        self.command = command
        self.reason = reason
        self.standardError = standardError
    }

    /// The failure in `outcome`, or `nil` when the command succeeded.
    init?(_ outcome: CommandOutcome, command: String, timeout: Duration, killGrace: Duration) {
        let reason: Reason
        switch (outcome.stop, outcome.termination) {
        case (.timedOut, _): reason = .timedOut(timeout)
        case (.interrupted, _): reason = .interrupted(killGrace: killGrace)
        case (nil, .exited(0)): return nil
        case (nil, .exited(let status)): reason = .exited(status: status)
        case (nil, .signaled(let signal)): reason = .killedBySignal(signal)
        }
        self.init(command: command, reason: reason, standardError: outcome.standardError.text)
    }

    /// The command, why it failed, and the tail of its stderr.
    public var description: String {
        let subject = "command '\(command)'"
        let stderr = standardError.isEmpty ? "" : ": " + standardError
        switch reason {
        case .couldNotStart(let call, let code, let path, let workingDirectory):
            var text = "could not start \(subject) (\(path)): \(call) failed: \(String(cString: strerror(code)))"
            if code == ENOEXEC {
                text += "; a script needs a '#!' first line naming its interpreter"
            } else if let workingDirectory {
                text += "; check that \(path) still exists and is executable and that working_directory \(workingDirectory) exists"
            } else {
                text += "; check that \(path) still exists and is executable"
            }
            return text
        case .exited(let status):
            return "\(subject) exited with status \(status)" + (standardError.isEmpty ? " and wrote nothing to stderr" : stderr)
        case .killedBySignal(let signal):
            return "\(subject) was killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")" + stderr
        case .timedOut(let timeout):
            return "\(subject) timed out after \(DurationText.format(timeout)) and was killed; raise the stage's timeout if it needs longer" + stderr
        case .interrupted(let killGrace):
            let kill = killGrace == .zero ? "SIGKILL at once" : "SIGKILL after \(DurationText.format(killGrace)) to whatever still ran"
            return "\(subject) interrupted: the run was stopped, and so was the command (SIGTERM to its process group, then \(kill))" + stderr
        case .interruptedBeforeStart:
            return "\(subject) was not started: the run was interrupted before the stage's turn"
        case .statusUnavailable:
            return "\(subject) ended but its exit status could not be read (something else in hss-export reaped it)" + stderr
        }
    }

    private static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGABRT: return "SIGABRT"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        default: return nil
        }
    }
}
