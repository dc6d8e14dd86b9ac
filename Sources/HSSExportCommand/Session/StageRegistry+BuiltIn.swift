public import CSVStage
public import ExecStage
public import ExportPipeline
public import ExportStageKit
public import GzipManifestStage
public import JSONLinesStage
public import PrometheusTextfileStage

extension StageRegistry {
    /// The stages that ship with hss-export: `jsonl`, `csv`,
    /// `prometheus-textfile`, `gzip-manifest` and `exec`.
    public static var builtIn: StageRegistry {
        StageRegistry([
            JSONLinesStage.self, CSVStage.self, PrometheusTextfileStage.self, GzipManifestStage.self, ExecStage.self,
        ])
    }
}
