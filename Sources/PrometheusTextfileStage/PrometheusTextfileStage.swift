public import ExportStageKit
import Foundation

/// Writes the run's results as a Prometheus textfile for node_exporter's
/// textfile collector (`--collector.textfile.directory`).
///
/// Every metric is a gauge holding a value of the last run, so the file can be
/// replaced wholesale on every run. With `per_task` (the default) each task
/// gets an outcome state set, an info series, its wait time and poll count;
/// the run-level series (tasks by outcome, duration, end time, last success)
/// are always written. In a pipeline with `sources:` the per-task series
/// carry a `source` label, and `<prefix>_source_tasks{source,outcome}` gives
/// each source's tasks by outcome (a `source:` pipeline's file is unchanged):
///
/// ```
/// # HELP hss_export_tasks Tasks of the last run, by outcome.
/// # TYPE hss_export_tasks gauge
/// hss_export_tasks{outcome="succeeded"} 1
/// hss_export_tasks{outcome="failed"} 1
/// ...
/// # HELP hss_export_last_success_timestamp_seconds Unix time at which the latest run with at least one succeeded task ended.
/// # TYPE hss_export_last_success_timestamp_seconds gauge
/// hss_export_last_success_timestamp_seconds 1764426634.123
/// ```
///
/// `<prefix>_last_success_timestamp_seconds` is the end of this run when a
/// task succeeded, and otherwise the value found in the file the run replaces,
/// so a staleness alert (`time() - hss_export_last_success_timestamp_seconds
/// > 86400`) keeps counting across failing runs. When neither exists (no
/// success yet) the series is omitted rather than written as 0, since 0 would
/// claim a success in 1970; alert on that case with `absent(...)`.
///
/// The file is replaced atomically with mode 0644; the temporary file is named
/// `.<name>.tmp-…`, which the collector ignores because it does not end in
/// `.prom`.
public actor PrometheusTextfileStage: ExportStage {
    /// `prometheus-textfile`.
    public static let typeName = "prometheus-textfile"
    /// One line for `hss-export stages`.
    public static let summary = "Writes a .prom file of gauges for node_exporter's textfile collector."
    /// `path` (required, `.prom`), `prefix` (`hss_export`), `per_task`
    /// (`true`) and `extra_labels` (none).
    public static let options: [StageOption] = [
        StageOption(
            "path", .outputPath, required: true, help: "The file to write; must end in .prom, in node_exporter's --collector.textfile.directory."),
        StageOption(
            "prefix", .string, default: .string(Configuration.defaultPrefix), help: "Prefix of every metric name (a valid Prometheus metric name)."),
        StageOption(
            "per_task", .bool, default: .bool(true),
            help: "Write series per task; false writes only the run-level series, bounding cardinality for large batches."),
        StageOption("extra_labels", .stringMap, help: "Constant labels added to every series, e.g. {job_name: nightly}."),
    ]

    /// The validated settings the stage writes with.
    public nonisolated let configuration: Configuration
    /// Per-task series, in pipeline-file order (only with `per_task`).
    private(set) var tasks: [TaskSeries] = []
    /// The extra labels, escaped once.
    let constantLabels: String
    /// Where each (source, task id) sits in ``tasks``, so a repeated id
    /// replaces its earlier record instead of producing duplicate series,
    /// which would make node_exporter reject the whole file.
    private var taskPositions: [TaskKey: Int] = [:]
    /// Tasks by outcome for each source of a `sources:` pipeline, in the
    /// order their records came (file order), for the per-source totals.
    private(set) var sourceTotals: [(source: String, outcomes: [TaskOutcome: Int])] = []

    private struct TaskKey: Hashable {
        var source: String?
        var taskID: String
    }

    /// Builds the stage from its pipeline-file options.
    public init(options: StageOptions, context: StageBuildContext) throws {
        // `-` is refused here (node_exporter reads files), and so is an existing path that is not a regular file.
        guard case .file(let path)? = try options.outputTarget("path", for: Self.self) else {
            throw StageOptionError(option: "path", message: "is required", fix: "set 'path' to a file ending in .prom")
        }
        try self.init(
            configuration: Configuration(
                path: path,
                prefix: options.string("prefix") ?? Configuration.defaultPrefix,
                perTask: options.bool("per_task") ?? true,
                extraLabels: context.addingShardLabel(to: options.stringMap("extra_labels") ?? [])
            ))
    }

    /// Builds the stage from settings made in code.
    public init(configuration: Configuration) {
        self.configuration = configuration
        constantLabels = configuration.constantLabelText
    }

    /// Keeps what the per-task series need of `result` (nothing without `per_task`).
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        if let source = result.source {
            // Totals count every record, as `<prefix>_tasks` does.
            if let position = sourceTotals.firstIndex(where: { $0.source == source }) {
                sourceTotals[position].outcomes[result.outcome, default: 0] += 1
            } else {
                sourceTotals.append((source, [result.outcome: 1]))
            }
        }
        guard configuration.perTask else { return }
        let series = TaskSeries(result, constantLabels: constantLabels)
        let key = TaskKey(source: result.source, taskID: result.taskID)
        if let position = taskPositions[key] {
            tasks[position] = series
        } else {
            taskPositions[key] = tasks.count
            tasks.append(series)
        }
    }

    /// Writes the file and prepares it for the run's atomic commit, then
    /// publishes it as an artifact.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        // Before reading the old file for its last success: reading a FIFO would block.
        try ReplaceableOutput.check(configuration.path, suggestsStandardOutput: false)
        let lastSuccess: Double?
        if summary.count(of: .succeeded) > 0 {
            lastSuccess = summary.finishedAt.timeIntervalSince1970
        } else {
            lastSuccess = previousLastSuccess(context: context)
        }
        let writer = try AtomicFileWriter(destination: configuration.path, permissions: 0o644)
        try write(to: writer, summary: summary, lastSuccess: lastSuccess)
        try context.prepare(writer, stage: Self.typeName)
    }

    /// The last-success time recorded in the file this run replaces, if any.
    private func previousLastSuccess(context: RunContext) -> Double? {
        let path = configuration.path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            context.logger.warning("could not read \(path) to carry over \(configuration.lastSuccessMetric); omitting it")
            return nil
        }
        let values = ExpositionText.sampleValues(of: configuration.lastSuccessMetric, in: String(decoding: data, as: UTF8.self))
        if values.isEmpty {
            context.logger.debug("\(path) holds no \(configuration.lastSuccessMetric) to carry over")
        }
        return values.max()
    }
}
