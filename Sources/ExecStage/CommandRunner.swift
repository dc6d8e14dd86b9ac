import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the command to its end: feeds it the input, collects its output,
/// enforces the timeout.
///
/// One dedicated thread does all of it with `poll`, writing input whenever
/// the command can take more and reading output whenever there is some. So
/// neither side can stall the other on a full pipe (a command that prints a
/// lot before it reads, or never reads at all, is fine), and the blocking
/// waits stay off Swift's cooperative threads, which a 60-second command
/// would otherwise hold.
///
/// A command that exits without reading all its input makes our next write
/// fail with `EPIPE`, and the kernel also sends SIGPIPE, whose default action
/// would kill hss-export. The thread blocks SIGPIPE for itself only (changing
/// the process-wide disposition would leak into every other part of
/// hss-export and into the commands it starts), treats `EPIPE` as "the
/// command has stopped reading", and discards the pending signal before it
/// unblocks it.
struct CommandRunner {
    /// Bytes of stdout kept for the log and of stderr kept for the error.
    static let captureLimit = 4096
    /// Between SIGTERM and SIGKILL when the command runs out of time.
    static let killGrace: Duration = .seconds(2)
    /// How long, after the command ends, output is still read from whatever
    /// it left running (a background process can hold the pipes for hours).
    static let drainGrace: Duration = .seconds(1)
    /// The longest `poll` wait, so exits and deadlines are noticed promptly
    /// even while something else holds the pipes open.
    private static let tickMilliseconds: Int32 = 50
    private static let chunkSize = 64 * 1024

    private let invocation: CommandInvocation
    private let input: [UInt8]

    /// Runs `invocation` with `input` on its standard input, on a thread of
    /// its own, and returns how it ended (which may be a failure; the caller
    /// judges). Throws only when the command could not be started.
    static func run(_ invocation: CommandInvocation, input: [UInt8]) async throws(ExecStageError) -> CommandOutcome {
        let result: Result<CommandOutcome, ExecStageError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                let runner = CommandRunner(invocation: invocation, input: input)
                continuation.resume(returning: Result { () throws(ExecStageError) in try runner.run() })
            }
            thread.name = "hss-export exec"
            thread.start()
        }
        return try result.get()
    }

    private func run() throws(ExecStageError) -> CommandOutcome {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previousMask)
        defer {
            Self.discardPendingBrokenPipe(blocked)
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(invocation)
        } catch {
            throw ExecStageError(command: invocation.displayName, reason: .couldNotStart(call: error.call, code: error.code, path: invocation.executablePath, workingDirectory: invocation.workingDirectory))
        }

        var session = Session(child: child, inputByteCount: input.count)
        let deadline = start + invocation.timeout
        var readBuffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            if session.termination == nil, let termination = child.reap() {
                session.termination = termination
                session.endedAt = clock.now
            }
            let now = clock.now
            if session.termination == nil, session.terminatedAt == nil, now >= deadline {
                child.signalGroup(SIGTERM, includingLeader: true)
                session.terminatedAt = now
            }
            if let terminatedAt = session.terminatedAt, session.killedAt == nil, now >= terminatedAt + Self.killGrace {
                // Also after the command itself has gone: what it started may
                // still be running in its group, holding the pipes.
                child.signalGroup(SIGKILL, includingLeader: session.termination == nil)
                session.killedAt = now
            }
            if let endedAt = session.endedAt {
                if session.output == nil, session.error == nil { break }
                let readUntil = session.terminatedAt.map { $0 + Self.killGrace + Self.drainGrace } ?? endedAt + Self.drainGrace
                if now >= readUntil { break }
            }
            session.pollOnce(input: input, readBuffer: &readBuffer, timeoutMilliseconds: Self.tickMilliseconds)
        }
        session.closeAll()

        return CommandOutcome(
            termination: session.termination ?? .unknown,
            timedOut: session.terminatedAt != nil,
            standardOutput: session.standardOutput,
            standardError: session.standardError,
            inputBytesWritten: session.inputOffset,
            inputByteCount: input.count,
            elapsed: (session.endedAt ?? clock.now) - start
        )
    }

    /// Consumes a SIGPIPE our writes left pending, so unblocking it does not
    /// deliver it.
    private static func discardPendingBrokenPipe(_ signals: sigset_t) {
        var pending = sigset_t()
        guard sigpending(&pending) == 0, sigismember(&pending, SIGPIPE) == 1 else { return }
        var signals = signals
        var received: Int32 = 0
        _ = sigwait(&signals, &received)
    }
}

extension CommandRunner {
    /// The I/O state of one run.
    private struct Session {
        var input: Int32?
        var output: Int32?
        var error: Int32?
        var inputOffset = 0
        var standardOutput = CapturedOutput(.head, limit: CommandRunner.captureLimit)
        var standardError = CapturedOutput(.tail, limit: CommandRunner.captureLimit)
        var termination: ChildProcess.Termination?
        var endedAt: ContinuousClock.Instant?
        var terminatedAt: ContinuousClock.Instant?
        var killedAt: ContinuousClock.Instant?

        init(child: ChildProcess, inputByteCount: Int) {
            input = child.input
            output = child.output
            error = child.error
            if inputByteCount == 0 { closeInput() }
        }

        /// Waits up to `timeoutMilliseconds` for the pipes and serves them.
        mutating func pollOnce(input bytes: [UInt8], readBuffer: inout [UInt8], timeoutMilliseconds: Int32) {
            var descriptors: [pollfd] = []
            if let input { descriptors.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if let output { descriptors.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            if let error { descriptors.append(pollfd(fd: error, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
            guard ready > 0 else {
                // EINTR or a timeout; anything else (ENOMEM) gets a pause, not a busy loop.
                if ready < 0, errno != EINTR { usleep(UInt32(timeoutMilliseconds) * 1000) }
                return
            }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == input {
                    writeInput(bytes)
                } else if entry.fd == output {
                    if !read(entry.fd, into: &standardOutput, buffer: &readBuffer) { closeOutput() }
                } else if entry.fd == error {
                    if !read(entry.fd, into: &standardError, buffer: &readBuffer) { closeError() }
                }
            }
        }

        mutating func closeAll() {
            closeInput()
            closeOutput()
            closeError()
        }

        private mutating func writeInput(_ bytes: [UInt8]) {
            guard let input else { return }
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(input, buffer.baseAddress! + inputOffset, min(CommandRunner.chunkSize, buffer.count - inputOffset))
            }
            if written >= 0 {
                inputOffset += written
                // Closing tells the command its input is complete.
                if inputOffset == bytes.count { closeInput() }
            } else if errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                // EPIPE: the command closed its standard input or ended; what
                // it did not read is its own choice, judged by its exit status.
                closeInput()
            }
        }

        /// Reads what is there; `false` at end of file (or a read error).
        private func read(_ descriptor: Int32, into capture: inout CapturedOutput, buffer: inout [UInt8]) -> Bool {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress!, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { capture.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                return true
            }
            return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        }

        private mutating func closeInput() {
            if let input { systemClose(input) }
            input = nil
        }

        private mutating func closeOutput() {
            if let output { systemClose(output) }
            output = nil
        }

        private mutating func closeError() {
            if let error { systemClose(error) }
            error = nil
        }
    }
}
