import Foundation

/// A system tool run as a child process, for the `gzip` baseline and checks.
struct ExternalCommand {
    /// The tool's absolute path.
    let executable: String

    /// Finds `name` on `PATH`.
    init(_ name: String) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchmarkError(message: "'\(name)' is not on PATH (\(path)); install it (Debian: apt-get install \(name)) to run this benchmark")
        }
        executable = found
    }

    /// Runs the tool with `arguments`, its stdout going to `outputPath` (or
    /// nowhere), and throws unless it exits 0.
    func run(_ arguments: [String], stdoutTo outputPath: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var output: FileHandle?
        if let outputPath {
            // Like the shell's `>`: create or truncate.
            guard FileManager.default.createFile(atPath: outputPath, contents: nil),
                let handle = FileHandle(forWritingAtPath: outputPath)
            else {
                throw BenchmarkError(message: "cannot create \(outputPath) for the output of \(executable)")
            }
            output = handle
        }
        defer { try? output?.close() }
        process.standardOutput = output ?? FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        // Read before waiting, so a chatty tool cannot block on a full pipe.
        let errorText = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let command = ([executable] + arguments).joined(separator: " ")
            throw BenchmarkError(
                message: "'\(command)' failed with status \(process.terminationStatus): \(errorText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
