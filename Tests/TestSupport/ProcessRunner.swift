public import Foundation
import Synchronization

/// The result of running a command to completion.
public struct ProcessOutput: Sendable {
    /// The exit status (or the signal number for a killed process).
    public var status: Int32
    /// Everything written to stdout.
    public var standardOutput: String
    /// Everything written to stderr.
    public var standardError: String
}

/// The one way tests run commands: checkers (promtool, gzip, python3,
/// openssl), servers (node_exporter, `hss-export simulate`) and the built
/// binary. Nothing here blocks a concurrency thread, so a server in the same
/// process (the simulator) keeps answering while a child runs.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding `input` to stdin, and waits
    /// at most `timeout` (then kills it with SIGKILL and throws).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessOutput {
        let process = try RunningProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        if let input { process.write(input) }
        process.closeInput()
        let status = try await process.waitForExit(timeout: timeout)
        return ProcessOutput(status: status, standardOutput: process.standardOutput, standardError: process.standardError)
    }

    /// Starts a long-running child (a server); stop it with ``RunningProcess/terminate()``.
    public static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> RunningProcess {
        try RunningProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory)
    }
}

/// A command did not finish in time.
public struct ProcessTimeoutError: Error, CustomStringConvertible {
    /// The command.
    public var command: String
    /// The limit.
    public var timeout: Duration
    public var description: String { "\(command) did not finish within \(timeout)" }
}

/// A child process whose stdout and stderr are collected while it runs.
public final class RunningProcess: Sendable {
    private let process: Process
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let collected = CollectedOutput()
    private let command: String

    /// `environment` with what keeps a child from reaching outside its
    /// test: a host budget ledger of its own (tests that share one set
    /// `HSS_EXPORT_BUDGET_DIR`), so parallel tests with the simulator's one
    /// access key do not queue behind each other, and a closed port as the
    /// ECS metadata service, so the credential chain never asks the
    /// machine's real one.
    static func hermetic(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        if environment["HSS_EXPORT_BUDGET_DIR"] == nil {
            environment["HSS_EXPORT_BUDGET_DIR"] = NSTemporaryDirectory() + "hss-export-test-budget-" + UUID().uuidString
        }
        if environment["HSS_EXPORT_METADATA_ENDPOINT"] == nil {
            environment["HSS_EXPORT_METADATA_ENDPOINT"] = "http://127.0.0.1:9"
        }
        return environment
    }

    /// Starts `executable`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, currentDirectory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = Self.hermetic(environment ?? ProcessInfo.processInfo.environment)
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        self.process = process
        command = ([executable] + arguments).joined(separator: " ")
        // Drained on their own threads, not the cooperative pool: a chatty
        // child must never block on a full pipe, nor a test on a read.
        for (index, pipe) in [output, errors].enumerated() {
            Thread { [collected] in
                // read(2) returns what is there (blocking until something is) and is
                // retried on EINTR: FileHandle.availableData traps on EINTR, which a
                // signal meant for another thread of this process can cause (it crashed
                // a whole CI test run).
                let descriptor = pipe.fileHandleForReading.fileDescriptor
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    let chunk = Data(buffer[0..<count])
                    collected.state.withLock { index == 0 ? $0.output.append(chunk) : $0.errors.append(chunk) }
                }
                withExtendedLifetime(pipe) {}
                collected.state.withLock { $0.openStreams -= 1 }
            }.start()
        }
        try process.run()
        // The parent's copies of the child's ends, so EOF arrives when the child exits.
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForWriting.close()
        try? input.fileHandleForReading.close()
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the process still runs.
    public var isRunning: Bool { process.isRunning }

    /// Everything written to stdout so far.
    public var standardOutput: String { collected.state.withLock { String(decoding: $0.output, as: UTF8.self) } }

    /// Everything written to stderr so far.
    public var standardError: String { collected.state.withLock { String(decoding: $0.errors, as: UTF8.self) } }

    /// Writes `data` to the child's stdin.
    public func write(_ data: Data) {
        try? input.fileHandleForWriting.write(contentsOf: data)
    }

    /// Closes the child's stdin (a server reading it takes that as "stop").
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Waits (up to `timeout`) for the first complete stdout line.
    ///
    /// The default is generous: a server's first line comes after its start-up, which the
    /// whole suite starting at once on a 2-core machine can stretch far beyond its usual
    /// fraction of a second.
    public func firstLine(timeout: Duration = .seconds(90)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let line = collected.state.withLock { state -> String? in
                guard let newline = state.output.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                return String(decoding: state.output[state.output.startIndex..<newline], as: UTF8.self)
            }
            if let line { return line }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessTimeoutError(command: command, timeout: timeout)
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (up to `timeout`) for the process to exit and returns its status;
    /// on timeout kills it with SIGKILL (which no inherited mask blocks) and throws.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw ProcessTimeoutError(command: command, timeout: timeout)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        // What it wrote last is still in the pipes: read to the end before
        // anyone looks (bounded, as a grandchild may hold a pipe open).
        let drained = ContinuousClock.now + .seconds(5)
        while collected.state.withLock({ $0.openStreams > 0 }) && ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(2))
        }
        return process.terminationStatus
    }

    /// Ends the process: SIGTERM, then SIGKILL if it is still there after `grace`.
    public func terminate(grace: Duration = .seconds(5)) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        terminate(grace: .seconds(1))
    }
}

/// What a child wrote, shared with the threads that drain its pipes.
private final class CollectedOutput: Sendable {
    let state = Mutex<(output: Data, errors: Data, openStreams: Int)>((Data(), Data(), 2))
}
