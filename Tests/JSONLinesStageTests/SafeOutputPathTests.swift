import ExportStageTesting
import JSONLinesStage
import TestSupport
import Testing

/// The jsonl stage never replaces or appends to anything but a regular file,
/// and `path: -` sends its lines to standard output at the commit.
@Suite("jsonl stage: output paths", .timeLimit(.minutes(1)))
struct SafeOutputPathTests {
    let checks = OutputPathChecks(JSONLinesStage.self, fileName: "out.jsonl")

    @Test(arguments: NonRegularPath.allCases, ["overwrite", "append"])
    func anExistingPathThatIsNotARegularFileIsRefusedWhenTheStageIsBuilt(kind: NonRegularPath, mode: String) throws {
        try checks.refusesAnExistingPath(that: kind, mode: mode)
    }

    @Test func theCharacterDeviceDevNullIsRefusedAsValidateDoes() throws {
        try checks.refusesTheCharacterDeviceDevNull()
    }

    @Test(arguments: NonRegularPath.allCases, ["overwrite", "append"])
    func aPathThatChangesAfterTheStageIsBuiltIsNotReplacedAtTheCommit(kind: NonRegularPath, mode: String) async throws {
        try await checks.refusesAPathThatChangesAfterTheBuild(
            to: kind, mode: mode, results: [SampleResults.succeeded(), SampleResults.errored()])
    }

    @Test func aDashWritesStandardOutputAtTheCommitAndNoFile() async throws {
        let stage = try await checks.writesStandardOutputForADash()
        #expect(stage.path == "-")
    }

    @Test func aFileStageDoesNotWriteStandardOutput() throws {
        try checks.doesNotWriteStandardOutputForAFile()
    }

    @Test func appendingToStandardOutputIsRefusedAtTheModeOption() throws {
        try checks.refusesAppendingToStandardOutput()
    }
}
