import ExportPipeline
import ExportStageKit
import ExportStageTesting
import PrometheusTextfileStage
import TestSupport

/// Builds the stage the way the loader does: from option values checked
/// against the stage's declarations, with paths relative to `directory`.
func makeStage(_ values: [String: StageOptionValue], in directory: TemporaryDirectory) throws -> PrometheusTextfileStage {
    let options = StageOptions(values, declarations: PrometheusTextfileStage.options, baseDirectory: directory.path)
    return try PrometheusTextfileStage(options: options, context: StageBuildContext(index: 0, pipelineFile: directory.file("pipeline.yaml")))
}

/// Feeds `results` to a new stage and commits; returns the file's text.
@discardableResult
func runStage(
    _ values: [String: StageOptionValue],
    results: [ExportResult],
    summary: RunSummary? = nil,
    context: RunContext = SampleResults.context(),
    in directory: TemporaryDirectory
) async throws -> String {
    let stage = try makeStage(values, in: directory)
    for result in results { try await stage.receive(result, context: context) }
    try await stage.finish(summary: summary ?? SampleResults.summary(of: results), context: context)
    return try directory.read(FilePath.lastComponent(of: stage.configuration.path))
}

/// The three sample records: succeeded, errored and the tricky name.
var sampleResults: [ExportResult] {
    [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()]
}

/// The `extra_labels` the golden files use.
let nightlyLabels: StageOptionValue = .stringMap([.init("job_name", "nightly"), .init("env", "prod \"eu\"")])
