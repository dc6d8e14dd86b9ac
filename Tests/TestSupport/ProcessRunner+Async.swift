public import ExportPipeline
public import ExportStageKit
public import Foundation

extension ProcessRunner {
    /// Like ``run(_:_:input:environment:currentDirectory:timeout:)`` but never
    /// blocks a concurrency thread, so a server in the same process (the
    /// simulator) keeps answering while the child runs.
    public static func runAsync(
        _ executable: String,
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: TimeInterval = 120
    ) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try run(
                        executable, arguments, input: input, environment: environment,
                        currentDirectory: currentDirectory, timeout: timeout
                    ))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}

/// A child process whose stdout is read line by line while it runs (for
/// `hss-export simulate`, which prints its URL first and then serves).
public final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var buffered = Data()
    private var errorText = Data()

    /// Starts `executable`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = errors
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.buffered.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Everything written to stderr so far.
    public var standardError: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// Everything written to stdout so far.
    public var standardOutput: String { lock.withLock { String(decoding: buffered, as: UTF8.self) } }

    /// Waits (up to `timeout`) for the first complete stdout line.
    public func firstLine(timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lock.withLock({ () -> String? in
                guard let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                return String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
            }) {
                return line
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessTimeoutError(command: process.executableURL?.path ?? "?", timeout: Double(timeout.components.seconds))
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (up to `timeout`) for the process to exit and returns its status.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw ProcessTimeoutError(command: process.executableURL?.path ?? "?", timeout: Double(timeout.components.seconds))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Kills the process if it still runs.
    public func terminate() {
        if process.isRunning { process.terminate() }
    }

    deinit {
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
        terminate()
    }
}

/// Paths of the package and its built products, for tests that run the binary.
public enum PackagePaths {
    /// The package root, from this file's location.
    public static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = FilePath.directory(of: path) }
        return path
    }()

    /// The `hss-export` binary built beside the test bundle.
    public static var binary: String {
        let testBundleDirectory = FilePath.directory(of: Bundle.main.executablePath ?? CommandLine.arguments[0])
        let candidates = [
            testBundleDirectory + "/hss-export",
            FilePath.directory(of: testBundleDirectory) + "/hss-export",
            root + "/.build/debug/hss-export",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }
}
