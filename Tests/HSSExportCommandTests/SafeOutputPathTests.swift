import ExportPipeline
import ExportStageKit
import Foundation
import ShardMerge
import TestSupport
import Testing

/// `merge` never replaces a merged output path that is not a regular file:
/// loading refuses it at its line, and a path that changed after loading is
/// refused before anything is written.
@Suite(.timeLimit(.minutes(1))) struct SafeOutputPathTests {
    @Test(arguments: NonRegularPath.allCases)
    func aMergedOutputPathThatIsNotARegularFileIsRefusedWhenThePipelineLoads(kind: NonRegularPath) throws {
        try ShardMergeTests.withFixture { fixture in
            let path = fixture.directory.file("results.csv")
            try kind.make(at: path)
            let error = #expect(throws: PipelineLoadError.self) { try fixture.load(shard: nil) }
            let text = error?.diagnostics.map(\.description).joined(separator: "\n") ?? ""
            #expect(
                text.contains("fleet.pipeline.yaml:17:11: error: option 'path' of stage 'csv': \(path) is \(kind.refusalText(for: path))"), "\(text)")
            #expect(kind.isIntact(at: path))
            // A shard's own outputs are other paths: they still load.
            _ = try fixture.load(shard: 0)
        }
    }

    @Test func aShardKeepsADashAsStandardOutputAndMergeSkipsThatStage() throws {
        try ShardMergeTests.withFixture { fixture in
            let yaml = try fixture.directory.read("fleet.pipeline.yaml").replacingOccurrences(of: "path: results.jsonl", with: #"path: "-""#)
            try fixture.directory.write(yaml, to: "fleet.pipeline.yaml")
            let shard = try fixture.load(shard: 1)
            #expect(shard.writesStandardOutput && shard.standardOutputStage?.index == 0)
            #expect(shard.stages[0].outputPaths.isEmpty, "no file '-', and no '-.shard-1'")
            let report = try fixture.merger().merge()
            #expect(report.skipped == ["jsonl (stage 1, writes standard output)"])
            #expect(report.outputs.map(\.stage) == ["csv", "gzip-manifest"])
            #expect(!(try fixture.directory.entries()).contains { $0.hasPrefix("-") })
        }
    }

    @Test(arguments: NonRegularPath.allCases)
    func aMergedOutputPathThatChangedAfterLoadingStopsTheMergeBeforeAnythingIsWritten(kind: NonRegularPath) throws {
        try ShardMergeTests.withFixture { fixture in
            let merger = try fixture.merger()
            let path = fixture.directory.file("results.csv")
            try kind.make(at: path)
            let error = #expect(throws: ShardMergeError.self) { try merger.merge() }
            #expect(error?.message.contains("stage 2 (csv): the merged output \(path) is not replaced: it is \(kind.refusalText(for: path))") == true)
            #expect(error?.isInputProblem == false)
            #expect(kind.isIntact(at: path))
            let entries = try fixture.directory.entries()
            #expect(!entries.contains("results.jsonl") && !entries.contains("manifest.json.gz"), "nothing merged: \(entries)")
            #expect(entries.filter { $0.contains(".tmp-") }.isEmpty)
        }
    }
}
