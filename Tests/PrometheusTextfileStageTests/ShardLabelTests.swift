import ExportStageKit
import PrometheusTextfileStage
import Testing

/// In a sharded run every shard's textfile carries `shard="INDEX"`, so
/// node_exporter never sees one series in two files.
@Suite struct ShardLabelTests {
    func labels(shardIndex: Int, shardCount: Int, extra: [StageOptionValue.KeyValue] = []) throws -> [StageOptionValue.KeyValue] {
        var context = StageBuildContext(index: 0, pipelineFile: "p.yaml")
        context.shardIndex = shardIndex
        context.shardCount = shardCount
        let options = StageOptions(
            ["path": .string("/tmp/hss.prom"), "extra_labels": .stringMap(extra)], declarations: PrometheusTextfileStage.options,
            baseDirectory: "/tmp")
        return try PrometheusTextfileStage(options: options, context: context).configuration.extraLabels
    }

    @Test func aShardedRunLabelsItsSeriesWithTheShard() throws {
        #expect(try labels(shardIndex: 2, shardCount: 4) == [.init("shard", "2")])
        #expect(try labels(shardIndex: 0, shardCount: 4, extra: [.init("env", "prod")]) == [.init("env", "prod"), .init("shard", "0")])
    }

    @Test func anUnshardedRunOrAnExplicitShardLabelIsLeftAlone() throws {
        #expect(try labels(shardIndex: 0, shardCount: 1).isEmpty)
        #expect(try labels(shardIndex: 1, shardCount: 2, extra: [.init("shard", "b")]) == [.init("shard", "b")])
    }
}
