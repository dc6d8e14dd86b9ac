import Subprocess

/// What happened when the command ran.
struct CommandOutcome: Sendable {
    /// How it ended.
    var termination: TerminationStatus
    /// Whether it ran out of time and was stopped.
    var timedOut: Bool
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
