import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

/// The textfile stage never replaces anything but a regular file, and has no
/// `path: -` (node_exporter reads files).
@Suite("prometheus-textfile stage: output paths", .timeLimit(.minutes(1)))
struct SafeOutputPathTests {
    @Test(arguments: NonRegularPath.allCases)
    func anExistingPathThatIsNotARegularFileIsRefusedWhenTheStageIsBuilt(kind: NonRegularPath) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("hss.prom")
            try kind.make(at: path)
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self) { try harness.build("path: hss.prom") }
            let diagnostics = error?.diagnostics ?? []
            #expect(diagnostics.count == 1)
            #expect(
                diagnostics.first?.hasPrefix("options:1:") == true
                    && diagnostics.first?.contains(
                        "error: option 'path' of stage 'prometheus-textfile': \(path) is \(kind.refusalText(for: path))") == true,
                "\(diagnostics)")
            // No `path: -` to offer: the stage cannot write stdout.
            #expect(diagnostics.first?.hasSuffix("; use the path of a regular file") == true, "\(diagnostics)")
            #expect(kind.isIntact(at: path))
        }
    }

    @Test func theCharacterDeviceDevNullIsRefusedAsValidateDoes() throws {
        var harness = try StageHarness(PrometheusTextfileStage.self)
        defer { harness.removeDirectory() }
        harness.isForRun = false
        let error = #expect(throws: StageHarnessError.self) { try harness.build("path: /dev/null") }
        #expect(
            error?.description.contains("option 'path' of stage 'prometheus-textfile': /dev/null is a character device, not a regular file") == true,
            "\(String(describing: error))")
        #expect(NonRegularPath.isCharacterDevice("/dev/null"))
    }

    @Test(arguments: NonRegularPath.allCases)
    func aPathThatChangesAfterTheStageIsBuiltIsNotReplacedAtTheCommit(kind: NonRegularPath) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("hss.prom")
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let stage = try harness.build("path: hss.prom")
            try kind.make(at: path)
            // A FIFO would block the read of the old file's last success if the stage looked first and checked after.
            let error = await #expect(throws: OutputFileError.self) { try await harness.run(stage, results: [SampleResults.succeeded()]) }
            #expect(error?.description.contains("\(path): it is \(kind.refusalText(for: path))") == true, "\(String(describing: error))")
            #expect(kind.isIntact(at: path))
            #expect(try directory.entries().filter { $0.contains(".tmp-") }.isEmpty)
        }
    }

    @Test func aDashIsRefusedBecauseTheStageCannotWriteStandardOutput() throws {
        try withTemporaryDirectoryBlocking { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let error = #expect(throws: StageHarnessError.self) { try harness.build("path: '-'") }
            #expect(
                error?.description.contains(
                    "option 'path' of stage 'prometheus-textfile': '-' means standard output, which stage 'prometheus-textfile' cannot write")
                    == true, "\(String(describing: error))")
            #expect(try directory.entries().isEmpty)
        }
    }
}
