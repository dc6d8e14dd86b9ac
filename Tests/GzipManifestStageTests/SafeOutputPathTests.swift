import GzipManifestStage
import TestSupport
import Testing

/// The manifest stage never replaces anything but a regular file, and has no
/// `path: -` (verify reads a manifest from its file).
@Suite("gzip-manifest stage: output paths", .timeLimit(.minutes(1)))
struct SafeOutputPathTests {
    let checks = OutputPathChecks(GzipManifestStage.self, fileName: "manifest.json.gz")

    @Test(arguments: NonRegularPath.allCases)
    func anExistingPathThatIsNotARegularFileIsRefusedWhenTheStageIsBuilt(kind: NonRegularPath) throws {
        // No `path: -` to offer in the fix: the stage cannot write stdout.
        try checks.refusesAnExistingPath(that: kind)
    }

    @Test func theCharacterDeviceDevNullIsRefusedAsValidateDoes() throws {
        try checks.refusesTheCharacterDeviceDevNull()
    }

    @Test(arguments: NonRegularPath.allCases)
    func aPathThatChangesAfterTheStageIsBuiltIsNotReplacedAtTheCommit(kind: NonRegularPath) async throws {
        try await checks.refusesAPathThatChangesAfterTheBuild(to: kind)
    }

    @Test func aDashIsRefusedBecauseTheStageCannotWriteStandardOutput() throws {
        try checks.refusesADash()
    }
}
