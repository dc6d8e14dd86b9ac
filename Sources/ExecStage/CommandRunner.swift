import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the command to its end with Subprocess: feeds it the input, collects
/// its output, enforces the timeout.
///
/// Subprocess starts the command clean whatever state hss-export is in: with
/// exactly the environment the stage built, no other open descriptor of
/// hss-export's (an HTTP connection, a token file), every signal at its
/// default action and none blocked (hss-export ignores some to handle them
/// itself, and ignored signals survive `exec`), and in a process group of its
/// own so a timeout can stop everything the command started. (A terminal's
/// Ctrl-C therefore does not reach the command; the timeout bounds it instead.)
///
/// The input is written while both outputs are read, each in a task of its
/// own, so neither side can stall the other on a full pipe (a command that
/// prints a lot before it reads, or never reads at all, is fine).
enum CommandRunner {
    /// Bytes of stdout kept for the log and of stderr kept for the error.
    static let captureLimit = 4096
    /// Between SIGTERM and SIGKILL when the command runs out of time or the
    /// run is cancelled.
    static let killGrace: Duration = .seconds(2)
    /// The size of each write of the input: `PIPE_BUF` on Linux, so a write
    /// to the pipe is all or nothing and the count of bytes the command took
    /// is exact even when it stops reading.
    private static let chunkSize = 4096
    /// The call named when the command cannot be started ("… failed: Exec
    /// format error"): the one Subprocess starts commands with on Linux and
    /// Darwin, and the name the stage's messages have always used.
    private static let startCall = "exec"

    /// On timeout or cancellation: SIGTERM to the command's process group,
    /// then, once `killGrace` has passed with the command still running,
    /// SIGKILL to the group.
    static let teardown: [TeardownStep] = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGrace)]

    /// Runs `invocation` with `input` on its standard input and returns how it
    /// ended (which may be a failure; the caller judges). Throws
    /// ``ExecStageError`` only when the command could not be started or its
    /// status could not be read, and `CancellationError` when the task was
    /// cancelled (the command is then stopped like on a timeout).
    static func run(_ invocation: CommandInvocation, input: [UInt8]) async throws -> CommandOutcome {
        try Task.checkCancellation()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + invocation.timeout
        let result: ExecutionResult<Streams, SequenceOutput, SequenceOutput>
        do {
            result = try await Subprocess.run(
                configuration(invocation), input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                await serve(execution, input: input, deadline: deadline)
            }
        } catch let error as SubprocessError {
            throw ExecStageError(command: invocation.displayName, reason: reason(for: error, invocation), standardError: "")
        }
        try Task.checkCancellation()

        let streams = result.closureResult
        return CommandOutcome(
            termination: result.terminationStatus,
            timedOut: streams.stoppedAt != nil,
            standardOutput: streams.standardOutput,
            standardError: streams.standardError,
            inputBytesWritten: streams.inputBytesWritten,
            inputByteCount: input.count,
            elapsed: (streams.stoppedAt ?? clock.now) - start
        )
    }

    private static func configuration(_ invocation: CommandInvocation) -> Configuration {
        var options = PlatformOptions()
        // 0: a new group, led by the command, so it and whatever it starts
        // can be signalled together without reaching hss-export.
        options.processGroupID = 0
        options.teardownSequence = teardown
        return Configuration(
            executable: .path(FilePath(invocation.executablePath)),
            // argv[0] as the user wrote it, as a shell would pass it.
            arguments: Arguments(executablePathOverride: invocation.arguments[0], remainingValues: Array(invocation.arguments.dropFirst())),
            // Raw entries keep the stage's order; Subprocess copies each as a
            // C string, so each carries its terminating NUL.
            environment: .custom(invocation.environment.entries.map { Array(($0 + "\0").utf8) }),
            workingDirectory: invocation.workingDirectory.map { FilePath($0) },
            platformOptions: options
        )
    }

    /// What the command's streams carried.
    private struct Streams: Sendable {
        var inputBytesWritten = 0
        var standardOutput = CapturedOutput(.head, limit: CommandRunner.captureLimit)
        var standardError = CapturedOutput(.tail, limit: CommandRunner.captureLimit)
        /// When the command ended after the timeout stopped it; `nil` when it
        /// did not run out of time.
        var stoppedAt: ContinuousClock.Instant?
    }

    private enum Part: Sendable {
        case input(Int)
        case output(CapturedOutput)
        case error(CapturedOutput)
        case timeout(stoppedAt: ContinuousClock.Instant?)
    }

    /// Serves the running command until its streams are done and, if it ran
    /// out of time, until it has been stopped.
    private static func serve(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, input: [UInt8], deadline: ContinuousClock.Instant
    ) async -> Streams {
        await withTaskGroup(of: Part.self) { group in
            group.addTask(executorPreference: BrokenPipeSafeExecutor.shared) {
                .input(await write(input, to: execution.standardInputWriter))
            }
            group.addTask { .output(await capture(execution.standardOutput, into: CapturedOutput(.head, limit: captureLimit))) }
            group.addTask { .error(await capture(execution.standardError, into: CapturedOutput(.tail, limit: captureLimit))) }
            group.addTask {
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return .timeout(stoppedAt: nil) }
                // Not cut short when the streams end meanwhile: what the
                // command started may outlive it and still needs its SIGKILL.
                return .timeout(stoppedAt: await Task { await stop(execution) }.value)
            }

            var streams = Streams()
            var streamsOpen = 3
            while let part = await group.next() {
                switch part {
                case .input(let count): streams.inputBytesWritten = count
                case .output(let captured): streams.standardOutput = captured
                case .error(let captured): streams.standardError = captured
                case .timeout(let stoppedAt): streams.stoppedAt = stoppedAt
                }
                if case .timeout = part { continue }
                streamsOpen -= 1
                // Subprocess ends the streams when the command exits, even if
                // something it started still holds the pipes; a deadline not
                // reached by then no longer matters.
                if streamsOpen == 0 { group.cancelAll() }
            }
            return streams
        }
    }

    /// Stops a command that ran out of time: SIGTERM to its group, SIGKILL
    /// `killGrace` later if it still runs, and SIGKILL to the group again at
    /// that point in case the command ended but something it started did not.
    /// Returns when the command ended.
    private static func stop(_ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>) async -> ContinuousClock.Instant {
        let clock = ContinuousClock()
        let killAt = clock.now + killGrace
        await execution.teardown(using: teardown)
        let stoppedAt = clock.now
        if stoppedAt < killAt {
            try? await Task.sleep(until: killAt, clock: clock)
            // The command is not reaped before `run`'s body returns, so its
            // process group id still names its group.
            try? execution.send(signal: .kill, toProcessGroup: true)
        }
        return stoppedAt
    }

    /// Writes `input` and closes the pipe; returns how many bytes the command
    /// took before it closed its standard input or ended.
    private static func write(_ input: [UInt8], to writer: StandardInputWriter) async -> Int {
        var written = 0
        while written < input.count {
            let chunk = Array(input[written..<min(written + chunkSize, input.count)])
            // EPIPE: the command closed its standard input or ended; what it
            // did not read is its own choice, judged by its exit status.
            guard let count = try? await writer.write(chunk) else { break }
            written += count
            // Short only when the command has ended.
            if count < chunk.count { break }
        }
        // Closing tells the command its input is complete.
        try? await writer.finish()
        return written
    }

    /// Reads `stream` to its end into `captured`.
    private static func capture(_ stream: SubprocessOutputSequence, into captured: CapturedOutput) async -> CapturedOutput {
        var captured = captured
        do {
            for try await buffer in stream {
                buffer.withUnsafeBytes { captured.append($0) }
            }
        } catch {
            // A read error ends the capture; the exit status still decides.
        }
        return captured
    }

    /// The stage's reading of a Subprocess error.
    private static func reason(for error: SubprocessError, _ invocation: CommandInvocation) -> ExecStageError.Reason {
        var code = error.underlyingError?.rawValue ?? EINVAL
        var call = startCall
        switch error.code {
        case .failedToMonitorProcess:
            return .statusUnavailable
        case .executableNotFound:
            // Subprocess reports every such failure as ENOENT; a file that is
            // there was refused (it lost its execute bit, or is a directory).
            if FileManager.default.fileExists(atPath: invocation.executablePath) { code = EACCES }
        case .asyncIOFailed:
            call = "pipe"
        default:
            break
        }
        return .couldNotStart(call: call, code: code, path: invocation.executablePath, workingDirectory: invocation.workingDirectory)
    }
}
