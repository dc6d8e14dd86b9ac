import ExportPipeline
import ExportStageKit

/// Prints each result as a JSON line on stdout, for `wait`.
struct StandardOutputStage: ExportStage {
    static let typeName = "stdout"
    static let summary = "Prints each result as one JSON line on stdout."
    static let options: [StageOption] = []

    /// Its results are stdout: `wait` prints its summary on stderr.
    var writesStandardOutput: Bool { true }

    init() {}
    init(options: StageOptions, context: StageBuildContext) throws {}

    func receive(_ result: ExportResult, context: RunContext) async throws {
        Console.printLine(result.jsonValue.serialized)
    }

    func finish(summary: RunSummary, context: RunContext) async throws {}
}
