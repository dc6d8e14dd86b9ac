import PrometheusTextfileStage
import TestSupport
import Testing

/// The textfile stage never replaces anything but a regular file, and has no
/// `path: -` (node_exporter reads files).
@Suite("prometheus-textfile stage: output paths", .timeLimit(.minutes(1)))
struct SafeOutputPathTests {
    let checks = OutputPathChecks(PrometheusTextfileStage.self, fileName: "hss.prom")

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
        // A FIFO would block the read of the old file's last success if the stage looked first and checked after.
        try await checks.refusesAPathThatChangesAfterTheBuild(to: kind)
    }

    @Test func aDashIsRefusedBecauseTheStageCannotWriteStandardOutput() throws {
        try checks.refusesADash()
    }
}
