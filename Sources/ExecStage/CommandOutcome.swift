import Subprocess

/// What happened when the command ran.
struct CommandOutcome: Sendable {
    /// Why the stage stopped the command.
    enum Stop: Sendable, Equatable {
        /// It ran out of time.
        case timedOut
        /// The task running the stage was cancelled: the run was interrupted.
        case interrupted
    }

    /// How it ended.
    var termination: TerminationStatus
    /// Why the stage stopped it; `nil` when it ended by itself.
    var stop: Stop?
    /// The start of its standard output.
    var standardOutput: CapturedOutput
    /// The end of its standard error.
    var standardError: CapturedOutput
    /// How many input bytes it took before it closed its standard input (or ended).
    var inputBytesWritten: Int
    /// How many input bytes there were.
    var inputByteCount: Int
    /// From start to exit.
    var elapsed: Duration
}
