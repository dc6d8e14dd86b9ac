import ExportPipeline
import Foundation

/// Runs every benchmark the options ask for in a fresh temp directory, which
/// is removed afterwards, and collects the report.
struct BenchmarkSuite {
    var options: BenchmarkOptions

    func run() async throws -> BenchmarkReport {
        let directory = FileManager.default.temporaryDirectory.path + "/hss-export-bench-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if options.keepOutputs {
                Self.progress("outputs kept in \(directory)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        Self.progress("working in \(directory)")

        // Built once, before any timing, so generating them is never measured
        // and every stage sees the same records.
        Self.progress("generating \(options.records) records")
        let records = SyntheticResults.make(count: options.records)
        let summary = RunSummary(
            runID: SyntheticResults.runID, startedAt: SyntheticResults.startedAt,
            finishedAt: records.compactMap(\.finishedAt).max() ?? SyntheticResults.startedAt, results: records
        )

        var stages: [StageMeasurement] = []
        for (index, benchmark) in StageBenchmark.builtIn.enumerated() {
            Self.progress("\(benchmark.label): \(options.repeats) run\(options.repeats == 1 ? "" : "s") of \(records.count) records")
            stages.append(try await benchmark.run(
                records: records, summary: summary, directory: directory, stageIndex: index, repeats: options.repeats
            ))
        }

        var gzip: GzipComparison?
        if options.gzipMiB > 0 {
            let benchmark = GzipBenchmark(inputSize: options.gzipMiB << 20, repeats: options.repeats, directory: directory)
            gzip = try await benchmark.run(progress: Self.progress)
        }
        return BenchmarkReport(machine: .current, repeats: options.repeats, stages: stages, gzip: gzip)
    }

    /// Progress goes to stderr so stdout holds only the report (`--json` pipes cleanly).
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data(("stage-benchmarks: " + message + "\n").utf8))
    }
}
