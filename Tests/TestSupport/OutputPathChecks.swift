public import ExportStageKit
public import ExportStageTesting
import Foundation
public import Testing

/// The output-path checks every file-writing stage must pass, written once
/// so each stage's suite states only which of them apply (and with which
/// modes and results): an output never replaces or appends to anything but
/// a regular file, and `path: -` is standard output or refused.
///
/// Each check builds `Stage` with a ``StageHarness`` in a fresh temporary
/// directory; the expectations report at the calling test's line.
public struct OutputPathChecks<Stage: ExportStage>: Sendable {
    /// The output file's name inside the harness's directory, as `path` gives it.
    public let fileName: String

    public init(_ stage: Stage.Type, fileName: String) {
        self.fileName = fileName
    }

    /// The fix the refusal of a non-regular path offers: `path: -` only for
    /// a stage that can write standard output.
    private var fix: String {
        Stage.self is any StandardOutputCapableStage.Type
            ? "use `path: \"-\"` to write to stdout (quoted: a bare - starts a YAML list), or the path of a regular file"
            : "use the path of a regular file"
    }

    private func options(mode: String?) -> String {
        "path: \(fileName)" + (mode.map { "\nmode: \($0)" } ?? "")
    }

    /// A `kind` already at the path is refused when the stage is built, at
    /// the `path` option's line, and left as it was.
    public func refusesAnExistingPath(
        that kind: NonRegularPath, mode: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file(fileName)
            try kind.make(at: path)
            let harness = try StageHarness(Stage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self, sourceLocation: sourceLocation) {
                try harness.build(options(mode: mode))
            }
            let diagnostics = error?.diagnostics ?? []
            #expect(diagnostics.count == 1, sourceLocation: sourceLocation)
            #expect(
                diagnostics.first?.hasPrefix("options:1:") == true
                    && diagnostics.first?.contains(
                        "error: option 'path' of stage '\(Stage.typeName)': \(path) is \(kind.refusalText(for: path))") == true,
                "\(diagnostics)", sourceLocation: sourceLocation)
            #expect(diagnostics.first?.hasSuffix("; " + fix) == true, "\(diagnostics)", sourceLocation: sourceLocation)
            #expect(kind.isIntact(at: path), sourceLocation: sourceLocation)
        }
    }

    /// `/dev/null` is refused by a build as `hss-export validate` does it
    /// (without the checks only a run makes), and is still there afterwards.
    public func refusesTheCharacterDeviceDevNull(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(NonRegularPath.isCharacterDevice("/dev/null"), sourceLocation: sourceLocation)
        var harness = try StageHarness(Stage.self)
        defer { harness.removeDirectory() }
        harness.isForRun = false
        let error = #expect(throws: StageHarnessError.self, sourceLocation: sourceLocation) { try harness.build("path: /dev/null") }
        #expect(
            error?.description.contains(
                "option 'path' of stage '\(Stage.typeName)': /dev/null is a character device, not a regular file") == true,
            "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(NonRegularPath.isCharacterDevice("/dev/null"), sourceLocation: sourceLocation)
    }

    /// A `kind` put at the path between building the stage and its commit
    /// fails the commit, is left as it was, and the temp file is removed.
    public func refusesAPathThatChangesAfterTheBuild(
        to kind: NonRegularPath, mode: String? = nil, results: [ExportResult] = [SampleResults.succeeded()],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file(fileName)
            let harness = try StageHarness(Stage.self, directory: directory.path)
            let stage = try harness.build(options(mode: mode))
            try kind.make(at: path)
            let error = await #expect(throws: OutputFileError.self, sourceLocation: sourceLocation) {
                try await harness.run(stage, results: results)
            }
            #expect(
                error?.description.contains("\(path): it is \(kind.refusalText(for: path))") == true, "\(String(describing: error))",
                sourceLocation: sourceLocation)
            #expect(kind.isIntact(at: path), sourceLocation: sourceLocation)
            #expect(
                try directory.entries().filter { $0.contains(".tmp-") }.isEmpty, "the temp file is removed", sourceLocation: sourceLocation)
        }
    }

    /// `path: -` makes a stage that writes standard output at the commit
    /// and leaves no file; returns the stage for its own checks.
    @discardableResult
    public func writesStandardOutputForADash(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Stage {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(Stage.self, directory: directory.path)
            let stage = try harness.build("path: '-'")
            #expect(stage.writesStandardOutput, sourceLocation: sourceLocation)
            // A deferred context keeps the bytes for the commit, which this check then drops instead of printing them.
            let context = RunContext(
                runID: "run-1", startedAt: Date(), pipelineFile: "p.yaml", pipelineSHA256: "", toolVersion: "test",
                logger: SampleResults.context().logger, defersCommits: true)
            try await harness.run(stage, results: [SampleResults.succeeded()], context: context)
            #expect(context.outputs.pendingPaths == ["standard output"], sourceLocation: sourceLocation)
            #expect(context.artifacts.isEmpty, "standard output is no file for a manifest to list", sourceLocation: sourceLocation)
            context.outputs.discardAll()
            #expect(try directory.entries().isEmpty, sourceLocation: sourceLocation)
            return stage
        }
    }

    /// A stage given a file path does not write standard output.
    public func doesNotWriteStandardOutputForAFile(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectoryBlocking { directory in
            let stage = try StageHarness(Stage.self, directory: directory.path).build(options(mode: nil))
            #expect(!stage.writesStandardOutput, sourceLocation: sourceLocation)
        }
    }

    /// `mode: append` with `path: -` is refused at the `mode` option's line.
    public func refusesAppendingToStandardOutput(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectoryBlocking { directory in
            let harness = try StageHarness(Stage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self, sourceLocation: sourceLocation) {
                try harness.build("path: '-'\nmode: append")
            }
            #expect(
                error?.diagnostics.first?.hasPrefix("options:2:") == true
                    && error?.description.contains(
                        "option 'mode' of stage '\(Stage.typeName)': append cannot be used with 'path: -'") == true,
                "\(String(describing: error))", sourceLocation: sourceLocation)
        }
    }

    /// `path: -` is refused by a stage that cannot write standard output,
    /// and nothing is written.
    public func refusesADash(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectoryBlocking { directory in
            let harness = try StageHarness(Stage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self, sourceLocation: sourceLocation) { try harness.build("path: '-'") }
            #expect(
                error?.description.contains(
                    "option 'path' of stage '\(Stage.typeName)': '-' means standard output, which stage '\(Stage.typeName)' cannot write")
                    == true, "\(String(describing: error))", sourceLocation: sourceLocation)
            #expect(try directory.entries().isEmpty, sourceLocation: sourceLocation)
        }
    }
}
