public import ExportStageKit

/// Pipes every task's result, then the run summary, to a command's standard
/// input as JSON Lines.
///
/// The command runs once per run, in ``finish(summary:context:)``: one process
/// per run is what cron users expect of a notification hook, and starting it
/// only once the summary is known keeps what the command sees consistent with
/// the summary. Results are small, so they are kept in memory until then.
///
/// The command's standard input holds one line per result, in pipeline-file
/// order and in the field order of the `jsonl` stage, then one line with the
/// summary:
///
/// ```
/// {"task_id":"task-1","task_name":"vul export","task_status":"success",...,"run_id":"20251129143031-1a2b3c4d"}
/// {"summary":{"run_id":"20251129143031-1a2b3c4d","started_at":"2025-11-29T14:30:31.123Z",...,"interrupted":false}}
/// ```
///
/// A pipeline file names the command as an argument list, run without a shell:
///
/// ```yaml
/// - type: exec
///   command: [./notify.sh, --channel, ops]
///   timeout: 30s
///   environment: {NOTIFY_URL: "${NOTIFY_URL}"}
/// ```
///
/// The stage fails when the command exits with a non-zero status, is killed by
/// a signal, or runs longer than `timeout`: its process group is then sent
/// SIGTERM and, `kill_grace` (2 s) later, SIGKILL. So it is when the task
/// running the stage is cancelled, which is how the run stops the command
/// when it is interrupted (SIGINT, SIGTERM, SIGHUP); the stage then fails
/// with ``ExecStageError/Reason/interrupted(killGrace:)`` as soon as the
/// group is gone, within the grace period. The command's standard output is logged at info
/// level; the end of its standard error goes into the error. It publishes no
/// artifact: what the command does is its own business.
///
/// The command never sees hss-export's credentials. Its environment is built
/// from the few variables named in `pass_environment` (default `PATH`, `HOME`,
/// `LANG`, `LC_ALL`, `TZ`, `TMPDIR`) plus `environment`, never copied whole,
/// because the whole environment is where `HSS_AUTH_TOKEN` and the
/// `HUAWEICLOUD_SDK_*` keys usually live, and a hook script (often someone
/// else's) has no business holding an identity that can read every host's
/// security findings. Naming `HSS_AUTH_TOKEN`, `HUAWEICLOUD_SDK_AK`,
/// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, or anything else
/// starting with `HUAWEICLOUD_SDK_` or `HSS_AUTH_`, in either option is a
/// load-time error rather than a silent drop, so nobody hands the token over
/// by mistake and believes it worked. The command gets no other open file
/// descriptor of hss-export's either.
public actor ExecStage: ExportStage {
    /// `exec`.
    public static let typeName = "exec"

    /// One line for `hss-export stages`.
    public static let summary = "Pipes every result and then the run summary as JSON lines to a command's standard input."

    /// After the run's commit: the command runs once every output is in
    /// place, so a hook that reads or ships them sees this run's files, and a
    /// signal that stops the command cannot hold back the commit.
    public static let finishPhase = StageFinishPhase.afterCommit

    /// The command as written in the pipeline file: the program, then its arguments.
    public nonisolated let command: [String]
    /// The absolute path of the program that runs, found at load time.
    public nonisolated let executablePath: String
    /// How long the command may run, from start to exit.
    public nonisolated let timeout: Duration
    /// Between SIGTERM and SIGKILL to the command's process group when it is stopped.
    public nonisolated let killGrace: Duration
    /// The directory the command runs in; `nil` means hss-export's own.
    public nonisolated let workingDirectory: String?

    private let invocation: CommandInvocation
    private var pending: [UInt8] = []
    private var isFinished = false

    /// Builds the stage from its options, finding the program and building the
    /// command's environment now, so that mistakes surface at load time.
    public init(options: StageOptions, context: StageBuildContext) throws {
        invocation = try Self.invocation(from: options)
        command = invocation.arguments
        executablePath = invocation.executablePath
        timeout = invocation.timeout
        killGrace = invocation.killGrace
        workingDirectory = invocation.workingDirectory
    }

    /// Keeps the record's line for the command.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        precondition(!isFinished, "receive after finish")
        pending.append(contentsOf: result.jsonLine.utf8)
    }

    /// Runs the command with every line and the summary on its standard input,
    /// and fails unless it exits with status 0 within the timeout.
    ///
    /// Cancelling the task stops the command (SIGTERM to its group, SIGKILL
    /// `kill_grace` later) and fails with ``ExecStageError/Reason/interrupted(killGrace:)``.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        var input = pending
        pending = []
        input.append(contentsOf: Self.summaryLine(summary).utf8)

        let outcome = try await CommandRunner.run(invocation, input: input)
        let failure = ExecStageError(outcome, command: invocation.displayName, timeout: invocation.timeout, killGrace: invocation.killGrace)
        log(outcome, failed: failure != nil, context: context)
        if let failure { throw failure }
    }

    /// The last line the command reads: `{"summary":{...}}`.
    static func summaryLine(_ summary: RunSummary) -> String {
        JSONValue.object([("summary", summary.jsonValue)]).serialized + "\n"
    }

    private func log(_ outcome: CommandOutcome, failed: Bool, context: RunContext) {
        let name = invocation.displayName
        if !outcome.standardOutput.isEmpty {
            context.logger.info("command '\(name)' printed: \(outcome.standardOutput.text)")
        }
        // A failure carries stderr in its error; only a success needs it logged.
        if !failed, !outcome.standardError.isEmpty {
            context.logger.notice("command '\(name)' wrote to stderr: \(outcome.standardError.text)")
        }
        if outcome.inputBytesWritten < outcome.inputByteCount {
            // Not an error: a hook may legitimately ignore its input (a ping, say).
            context.logger.notice(
                "command '\(name)' read \(outcome.inputBytesWritten) of \(outcome.inputByteCount) input bytes before closing its standard input")
        }
        context.logger.info("command '\(name)' \(failed ? "ended" : "finished") after \(DurationText.format(outcome.elapsed))")
    }
}
