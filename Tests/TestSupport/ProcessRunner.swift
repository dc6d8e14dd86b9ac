public import Foundation

/// The result of running a command to completion.
public struct ProcessOutput: Sendable {
    /// The exit status (or the signal number for a killed process).
    public var status: Int32
    /// Everything written to stdout.
    public var standardOutput: String
    /// Everything written to stderr.
    public var standardError: String
}

/// Runs commands for tests: checkers (promtool, gzip, python3) and the built binary.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding `input` to stdin, and waits
    /// at most `timeout` seconds (then kills it and throws).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: TimeInterval = 60
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = inputPipe
        try process.run()
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        // Dedicated threads, not the global queue: its few workers are shared with
        // every other test, and blocking them stalls unrelated tests for seconds.
        let collected = CollectedOutput()
        let group = DispatchGroup()
        for (index, pipe) in [outputPipe, errorPipe].enumerated() {
            group.enter()
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(index, data)
                group.leave()
            }.start()
        }
        if let input { try? inputPipe.fileHandleForWriting.write(contentsOf: input) }
        try? inputPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            // SIGKILL: a child may have inherited a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ProcessTimeoutError(command: ([executable] + arguments).joined(separator: " "), timeout: timeout)
        }
        process.waitUntilExit()
        group.wait()
        return ProcessOutput(
            status: process.terminationStatus,
            standardOutput: String(decoding: collected.get(0), as: UTF8.self),
            standardError: String(decoding: collected.get(1), as: UTF8.self)
        )
    }
}

/// A command did not finish in time.
public struct ProcessTimeoutError: Error, CustomStringConvertible {
    /// The command line.
    public var command: String
    /// The limit in seconds.
    public var timeout: TimeInterval
    public var description: String { "\(command) did not finish within \(timeout) s" }
}

private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [Data] = [Data(), Data()]
    func set(_ index: Int, _ value: Data) { lock.withLock { data[index] = value } }
    func get(_ index: Int) -> Data { lock.withLock { data[index] } }
}
