import CSVStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

/// The csv stage never replaces or appends to anything but a regular file,
/// and `path: -` sends its rows to standard output at the commit.
@Suite("csv stage: output paths", .timeLimit(.minutes(1)))
struct SafeOutputPathTests {
    @Test(arguments: NonRegularPath.allCases, ["overwrite", "append"])
    func anExistingPathThatIsNotARegularFileIsRefusedWhenTheStageIsBuilt(kind: NonRegularPath, mode: String) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("out.csv")
            try kind.make(at: path)
            let harness = try StageHarness(CSVStage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self) { try harness.build("path: out.csv\nmode: \(mode)") }
            let diagnostics = error?.diagnostics ?? []
            #expect(diagnostics.count == 1)
            #expect(
                diagnostics.first?.hasPrefix("options:1:") == true
                    && diagnostics.first?.contains("error: option 'path' of stage 'csv': \(path) is \(kind.refusalText(for: path))") == true,
                "\(diagnostics)")
            #expect(diagnostics.first?.contains("use `path: -` to write to stdout, or the path of a regular file") == true)
            #expect(kind.isIntact(at: path))
        }
    }

    @Test func theCharacterDeviceDevNullIsRefusedAsValidateDoes() throws {
        #expect(NonRegularPath.isCharacterDevice("/dev/null"))
        var harness = try StageHarness(CSVStage.self)
        defer { harness.removeDirectory() }
        harness.isForRun = false
        let error = #expect(throws: StageHarnessError.self) { try harness.build("path: /dev/null") }
        #expect(error?.description.contains("option 'path' of stage 'csv': /dev/null is a character device, not a regular file") == true)
        #expect(NonRegularPath.isCharacterDevice("/dev/null"))
    }

    @Test(arguments: NonRegularPath.allCases, ["overwrite", "append"])
    func aPathThatChangesAfterTheStageIsBuiltIsNotReplacedAtTheCommit(kind: NonRegularPath, mode: String) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("out.csv")
            let harness = try StageHarness(CSVStage.self, directory: directory.path)
            let stage = try harness.build("path: out.csv\nmode: \(mode)")
            try kind.make(at: path)
            let error = await #expect(throws: OutputFileError.self) {
                try await harness.run(stage, results: [SampleResults.succeeded(), SampleResults.errored()])
            }
            #expect(error?.description.contains("\(path): it is \(kind.refusalText(for: path))") == true, "\(String(describing: error))")
            #expect(kind.isIntact(at: path))
            #expect(try directory.entries().filter { $0.contains(".tmp-") }.isEmpty, "the temp file is removed")
        }
    }

    @Test func aDashWritesStandardOutputAtTheCommitAndNoFile() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(CSVStage.self, directory: directory.path)
            let stage = try harness.build("path: '-'")
            #expect(stage.writesStandardOutput)
            #expect(stage.path == "-")
            // A deferred context keeps the bytes for the commit, which this test then drops instead of printing them.
            let context = RunContext(
                runID: "run-1", startedAt: Date(), pipelineFile: "p.yaml", pipelineSHA256: "", toolVersion: "test",
                logger: SampleResults.context().logger, defersCommits: true)
            try await harness.run(stage, results: [SampleResults.succeeded()], context: context)
            #expect(context.outputs.pendingPaths == ["standard output"])
            #expect(context.artifacts.isEmpty, "standard output is no file for a manifest to list")
            context.outputs.discardAll()
            #expect(try directory.entries().isEmpty)
        }
    }

    @Test func aFileStageDoesNotWriteStandardOutput() throws {
        try withTemporaryDirectoryBlocking { directory in
            let stage = try StageHarness(CSVStage.self, directory: directory.path).build("path: out.csv")
            #expect(!stage.writesStandardOutput)
        }
    }

    @Test func appendingToStandardOutputIsRefusedAtTheModeOption() throws {
        try withTemporaryDirectoryBlocking { directory in
            let harness = try StageHarness(CSVStage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self) { try harness.build("path: '-'\nmode: append") }
            #expect(
                error?.diagnostics.first?.hasPrefix("options:2:") == true
                    && error?.description.contains("option 'mode' of stage 'csv': append cannot be used with 'path: -'") == true,
                "\(String(describing: error))")
        }
    }
}
