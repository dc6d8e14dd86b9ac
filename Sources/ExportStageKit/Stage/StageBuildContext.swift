/// What a stage knows while it is being built from a pipeline file.
public struct StageBuildContext: Sendable {
    /// The stage's position in the file's `stages` list, from 0.
    public var index: Int
    /// The path of the pipeline file, or a label such as `<demo>`.
    public var pipelineFile: String
    /// The names of the pipeline's `sources:`, in file order; empty for a
    /// pipeline with a single `source:`, whose records carry no `source`.
    /// Outputs with a fixed shape (a CSV header) decide by it.
    public var sourceNames: [String]
    /// The shard the run is (`--shard INDEX/COUNT`), from 0; 0 when unsharded.
    public var shardIndex: Int = 0
    /// How many shards the run is split into; 1 when unsharded. A stage whose
    /// output a collector reads side by side with other shards' (a Prometheus
    /// textfile) labels it with the shard when this is more than 1.
    public var shardCount: Int = 1

    /// Creates a build context.
    public init(index: Int, pipelineFile: String, sourceNames: [String] = []) {
        self.index = index
        self.pipelineFile = pipelineFile
        self.sourceNames = sourceNames
    }

    /// `labels` plus `shard="INDEX"` in a sharded run, for outputs that a
    /// collector reads side by side (node_exporter refuses a series that two
    /// textfiles both export); `labels` as they are when unsharded or when
    /// they set `shard` themselves.
    public func addingShardLabel(to labels: [StageOptionValue.KeyValue]) -> [StageOptionValue.KeyValue] {
        guard shardCount > 1, !labels.contains(where: { $0.key == "shard" }) else { return labels }
        return labels + [StageOptionValue.KeyValue("shard", String(shardIndex))]
    }
}
