import Foundation

/// One run of `hss-export validate` over a list of files, and what it reported.
struct PipelineValidation {
    /// The located problems, with absolute file paths (for Xcode and SwiftPM).
    var diagnostics: [ToolDiagnostic]
    /// The tool's exit status: 0 all valid, 2 some invalid, anything else a failure of the tool.
    var exitStatus: Int32

    /// Whether every file is valid.
    var succeeded: Bool { exitStatus == 0 && diagnostics.isEmpty }

    /// How many distinct files have problems.
    var invalidFileCount: Int { Set(diagnostics.map(\.file)).count }

    /// The one-line summary printed after the tool's own output.
    func summary(fileCount: Int) -> String {
        let files = "\(fileCount) pipeline file\(fileCount == 1 ? "" : "s")"
        if succeeded { return "validate-pipelines: \(files) checked, all valid" }
        if diagnostics.isEmpty { return "validate-pipelines: \(files) checked, hss-export validate exited with status \(exitStatus)" }
        let problems = "\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s")"
        return "validate-pipelines: \(files) checked, \(invalidFileCount) invalid (\(problems))"
    }

    /// Runs the tool from the package directory on `files`.
    ///
    /// Paths inside the package are passed relative to it, so the tool's
    /// messages stay short; its stdout (the `valid` lines) and stderr (the
    /// problems) are passed through, and stderr is parsed for diagnostics.
    static func run(tool: URL, files: [URL], packageDirectory: URL) throws -> PipelineValidation {
        let process = Process()
        process.executableURL = tool
        process.arguments = ["validate"] + files.map { displayPath(of: $0, in: packageDirectory) }
        process.currentDirectoryURL = packageDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.standardOutput
        let errorPipe = Pipe()
        process.standardError = errorPipe
        do {
            try process.run()
        } catch {
            throw ValidatePipelinesError.cannotRunTool(tool.path, error)
        }
        // Only one pipe is read, to its end, before waiting: the tool cannot
        // block on a full pipe nobody reads.
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        let errorText = String(decoding: errorData, as: UTF8.self)
        FileHandle.standardError.write(errorData)
        let diagnostics = errorText.split(separator: "\n").compactMap { ToolDiagnostic(line: $0, relativeTo: packageDirectory) }
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return PipelineValidation(diagnostics: diagnostics, exitStatus: status)
    }

    /// `file` relative to `directory` when it lies inside it, else absolute.
    static func displayPath(of file: URL, in directory: URL) -> String {
        let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        return file.path.hasPrefix(base) ? String(file.path.dropFirst(base.count)) : file.path
    }
}
