import ExportStageKit
import Foundation

/// One built-in file stage, configured as a pipeline file would configure it,
/// and the code that writes a batch of records through it.
struct StageBenchmark: Sendable {
    /// The label printed for the stage.
    var label: String
    /// The stage type, built through its `init(options:context:)` like the loader does.
    var stageType: any ExportStage.Type
    /// The stage's options section, as the loader would hand it over (before
    /// defaults, which ``StageOptions`` fills in from the declarations).
    var options: [String: StageOptionValue]

    /// Builds the stage and drives it like `PipelineRunner`: every record
    /// through `receive`, in order, then `finish` with the run summary.
    ///
    /// Each run builds a fresh stage and run context and replaces the output
    /// of the run before, as a nightly job replaces last night's files.
    func run(records: [ExportResult], summary: RunSummary, directory: String, stageIndex: Int, repeats: Int) async throws -> StageMeasurement {
        var seconds: [Double] = []
        var rssDeltas: [Int]? = []
        var outputBytes = 0
        for _ in 0..<repeats {
            let stage = try stageType.init(
                options: StageOptions(options, declarations: stageType.options, baseDirectory: directory),
                context: StageBuildContext(index: stageIndex, pipelineFile: directory + "/benchmark.pipeline.yaml")
            )
            let context = RunContext(
                runID: summary.runID, startedAt: summary.startedAt, pipelineFile: directory + "/benchmark.pipeline.yaml",
                pipelineSHA256: String(repeating: "0", count: 64), toolVersion: "benchmark", logger: .init(label: "stage-benchmarks")
            )
            // Building the stage is left out of the time: the loader does it
            // before the first request, so it never delays a run's output.
            let rssBefore = MemoryProbe.begin()
            let (_, elapsed) = try await Stopwatch.measure {
                for record in records {
                    try await stage.receive(record, context: context)
                }
                try await stage.finish(summary: summary, context: context)
            }
            let rssPeak = MemoryProbe.peak()
            guard let artifact = context.artifacts.last else {
                throw BenchmarkError(message: "stage '\(stageType.typeName)' finished without publishing its output")
            }
            seconds.append(elapsed)
            outputBytes = artifact.bytes
            if let rssBefore, let rssPeak {
                rssDeltas?.append(max(0, rssPeak - rssBefore))
            } else {
                rssDeltas = nil
            }
        }
        return StageMeasurement(
            label: label, records: records.count, secondsSamples: seconds,
            outputBytes: outputBytes, peakRSSDeltaSamples: rssDeltas
        )
    }
}
