import ExportStageKit
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
/// its output, enforces the timeout, and stops it when the run is interrupted.
///
/// Subprocess starts the command clean whatever state hss-export is in: with
/// exactly the environment the stage built, no other open descriptor of
/// hss-export's (an HTTP connection, a token file), every signal at its
/// default action and none blocked (hss-export ignores some to handle them
/// itself, and ignored signals survive `exec`), and in a process group of its
/// own so a stop can reach everything the command started. (A terminal's
/// Ctrl-C therefore does not reach the command directly: hss-export stops it.)
///
/// The input is written while both outputs are read, each in a task of its
/// own, so neither side can stall the other on a full pipe (a command that
/// prints a lot before it reads, or never reads at all, is fine).
///
/// While the command runs, its process group is in ``LiveChildProcesses``, so
/// an exit that cannot wait (a second signal) still kills it.
enum CommandRunner {
    /// Bytes of stdout kept for the log and of stderr kept for the error.
    static let captureLimit = 4096
    /// The size of each write of the input: `PIPE_BUF` on Linux, so a write
    /// to the pipe is all or nothing and the count of bytes the command took
    /// is exact even when it stops reading.
    private static let chunkSize = 4096
    /// The call named when the command cannot be started ("… failed: Exec
    /// format error"): the one Subprocess starts commands with on Linux and
    /// Darwin, and the name the stage's messages have always used.
    private static let startCall = "exec"
    /// How often a stop looks whether anything of the group still runs.
    private static let groupPollInterval: Duration = .milliseconds(25)

    /// SIGTERM to the command's process group, then, once `killGrace` has
    /// passed with the command still running, SIGKILL to the group.
    static func teardown(killGrace: Duration) -> [TeardownStep] {
        [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGrace)]
    }

    /// Runs `invocation` with `input` on its standard input and returns how it
    /// ended (which may be a failure; the caller judges).
    ///
    /// When the task is cancelled while the command runs, the command is
    /// stopped like on a timeout and the outcome says `.interrupted`; a
    /// command that had already ended keeps its own outcome. Throws
    /// ``ExecStageError`` when the command could not be started, its status
    /// could not be read, or the task was cancelled before it started.
    static func run(_ invocation: CommandInvocation, input: [UInt8]) async throws -> CommandOutcome {
        guard !Task.isCancelled else {
            throw ExecStageError(command: invocation.displayName, reason: .interruptedBeforeStart)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + invocation.timeout
        let stopRequest = StopRequest()
        let ended: Ended
        do {
            // An unstructured task does not inherit the cancellation, which
            // reaches the command only as the stage's own stop.
            let running = Task { try await runShielded(invocation, input: input, deadline: deadline, stopRequest: stopRequest) }
            ended = try await withTaskCancellationHandler {
                try await running.value
            } onCancel: {
                stopRequest.request()
            }
        } catch let error as SubprocessError {
            throw ExecStageError(command: invocation.displayName, reason: reason(for: error, invocation), standardError: "")
        }

        let streams = ended.streams
        return CommandOutcome(
            termination: ended.termination,
            stop: streams.stopped?.reason,
            standardOutput: streams.standardOutput,
            standardError: streams.standardError,
            inputBytesWritten: streams.inputBytesWritten,
            inputByteCount: input.count,
            elapsed: (streams.stopped?.endedAt ?? ended.endedAt) - start
        )
    }

    /// How the command ended, as the unstructured task hands it back.
    private struct Ended: Sendable {
        var termination: TerminationStatus
        var streams: Streams
        var endedAt: ContinuousClock.Instant
    }

    /// Runs the command to its end, registered in ``LiveChildProcesses`` from
    /// its start until it has been reaped.
    private static func runShielded(
        _ invocation: CommandInvocation, input: [UInt8], deadline: ContinuousClock.Instant, stopRequest: StopRequest
    ) async throws -> Ended {
        var group: Int32?
        defer {
            // Reaped by now (or never started): the group id may be reused.
            if let group { LiveChildProcesses.remove(group) }
        }
        let result = try await Subprocess.run(
            configuration(invocation), input: .inputWriter, output: .sequence, error: .sequence
        ) { execution in
            // The command leads its own group, so its process id is the group's.
            group = execution.processIdentifier.value
            LiveChildProcesses.insert(execution.processIdentifier.value)
            return await serve(execution, input: input, deadline: deadline, stopRequest: stopRequest, killGrace: invocation.killGrace)
        }
        return Ended(termination: result.terminationStatus, streams: result.closureResult, endedAt: ContinuousClock.now)
    }

    private static func configuration(_ invocation: CommandInvocation) -> Configuration {
        var options = PlatformOptions()
        // 0: a new group, led by the command, so it and whatever it starts
        // can be signalled together without reaching hss-export.
        options.processGroupID = 0
        // Used by Subprocess only if the body threw, which it does not: the
        // stage's own stop is the one that runs.
        options.teardownSequence = teardown(killGrace: invocation.killGrace)
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
        /// Why and when the command ended after the stage stopped it; `nil`
        /// when it ended by itself.
        var stopped: Stopped?
    }

    private struct Stopped: Sendable {
        var reason: CommandOutcome.Stop
        var endedAt: ContinuousClock.Instant
    }

    private enum Part: Sendable {
        case input(Int)
        case output(CapturedOutput)
        case error(CapturedOutput)
        case stop(Stopped?)
    }

    /// Serves the running command until its streams are done and, if it was
    /// stopped (timeout or interruption), until the stop is complete.
    private static func serve(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, input: [UInt8], deadline: ContinuousClock.Instant,
        stopRequest: StopRequest, killGrace: Duration
    ) async -> Streams {
        await withTaskGroup(of: Part.self) { group in
            group.addTask(executorPreference: BrokenPipeSafeExecutor.shared) {
                .input(await write(input, to: execution.standardInputWriter))
            }
            group.addTask { .output(await capture(execution.standardOutput, into: CapturedOutput(.head, limit: captureLimit))) }
            group.addTask { .error(await capture(execution.standardError, into: CapturedOutput(.tail, limit: captureLimit))) }
            group.addTask {
                guard let reason = await stopReason(deadline: deadline, stopRequest: stopRequest) else { return .stop(nil) }
                // Not cut short when the streams end meanwhile: what the
                // command started may outlive it and still needs its SIGKILL.
                let endedAt = await Task { await stop(execution, killGrace: killGrace) }.value
                return .stop(Stopped(reason: reason, endedAt: endedAt))
            }

            var streams = Streams()
            var streamsOpen = 3
            while let part = await group.next() {
                switch part {
                case .input(let count): streams.inputBytesWritten = count
                case .output(let captured): streams.standardOutput = captured
                case .error(let captured): streams.standardError = captured
                case .stop(let stopped): streams.stopped = stopped
                }
                if case .stop = part { continue }
                streamsOpen -= 1
                // Subprocess ends the streams when the command exits, even if
                // something it started still holds the pipes; a deadline or
                // stop request not come by then no longer matters.
                if streamsOpen == 0 { group.cancelAll() }
            }
            return streams
        }
    }

    /// Waits for the deadline or the stop request, whichever comes first;
    /// `nil` when the calling task is cancelled first (the command ended).
    private static func stopReason(deadline: ContinuousClock.Instant, stopRequest: StopRequest) async -> CommandOutcome.Stop? {
        await withTaskGroup(of: CommandOutcome.Stop?.self) { group in
            group.addTask { (try? await Task.sleep(until: deadline, clock: .continuous)) == nil ? nil : .timedOut }
            group.addTask {
                await stopRequest.wait()
                return Task.isCancelled ? nil : .interrupted
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Stops the command: SIGTERM to its group, SIGKILL `killGrace` later if
    /// it still runs, and SIGKILL to the group again at that point in case the
    /// command ended but something it started did not. Where `/proc` shows
    /// that nothing of the group runs any more, the rest of the grace is not
    /// waited for. Returns when the command ended.
    private static func stop(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, killGrace: Duration
    ) async -> ContinuousClock.Instant {
        let clock = ContinuousClock()
        let killAt = clock.now + killGrace
        await execution.teardown(using: teardown(killGrace: killGrace))
        let endedAt = clock.now
        // The command is not reaped before `run`'s body returns, so its
        // process id still names its group.
        let group = execution.processIdentifier.value
        while clock.now < killAt, ProcessGroupTable.hasRunningMember(group) != false {
            try? await Task.sleep(until: min(killAt, clock.now + groupPollInterval), clock: clock)
        }
        try? execution.send(signal: .kill, toProcessGroup: true)
        return endedAt
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
