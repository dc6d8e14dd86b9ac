import CSVStage
import ExecStage
import ExportPipeline
public import ExportStageKit
import GzipManifestStage
import JSONLinesStage
import PrometheusTextfileStage

extension StageRegistry {
    /// The stages that ship with hss-export: `jsonl`, `csv`,
    /// `prometheus-textfile`, `gzip-manifest` and `exec`.
    public static var builtIn: StageRegistry {
        StageRegistry([
            JSONLinesStage.self, CSVStage.self, PrometheusTextfileStage.self, GzipManifestStage.self, ExecStage.self,
        ])
    }
}
