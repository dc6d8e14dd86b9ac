import CSVStage
import ExportStageKit
import GzipManifestStage
import JSONLinesStage
import PrometheusTextfileStage

extension StageBenchmark {
    /// The built-in file stages with the settings a typical pipeline uses.
    ///
    /// Options are written out even where they equal the default, so a
    /// changed default cannot silently change what is measured.
    static let builtIn: [StageBenchmark] = [
        StageBenchmark(
            label: "jsonl", stageType: JSONLinesStage.self,
            options: ["path": .string("results.jsonl"), "mode": .string("overwrite")]
        ),
        StageBenchmark(
            label: "csv", stageType: CSVStage.self,
            options: ["path": .string("results.csv"), "mode": .string("overwrite"), "formula_guard": .bool(true)]
        ),
        StageBenchmark(
            label: "prometheus-textfile (per_task)", stageType: PrometheusTextfileStage.self,
            options: ["path": .string("hss_export.prom"), "per_task": .bool(true)]
        ),
        StageBenchmark(
            label: "gzip-manifest (level 6)", stageType: GzipManifestStage.self,
            options: ["path": .string("manifest.json.gz"), "level": .integer(6), "reproducible": .bool(true)]
        ),
    ]
}
