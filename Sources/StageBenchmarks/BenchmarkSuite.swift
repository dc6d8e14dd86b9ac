import ExportStageKit
import Foundation

/// Runs every benchmark the options ask for in a fresh temp directory, which
/// is removed afterwards, and collects the report.
struct BenchmarkSuite {
    var options: BenchmarkOptions

    func run() async throws -> BenchmarkReport {
        let directory =
            options.outputDirectory.map { FilePath.resolve($0, against: FileManager.default.currentDirectoryPath) }
            ?? FileManager.default.temporaryDirectory.path + "/hss-export-bench-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let benchmarks = try selectedBenchmarks()
        defer {
            if options.keepOutputs || options.outputDirectory != nil {
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
        if let path = options.dumpRecordsPath {
            // The general encoder, not a stage's, so the dump is a reference too.
            var text = ""
            for record in records {
                text += record.jsonValue.serialized
                text += "\n"
            }
            try AtomicFileWriter.write(text, to: FilePath.resolve(path, against: FileManager.default.currentDirectoryPath))
            Self.progress("records written to \(path)")
        }
        let summary = RunSummary(
            runID: SyntheticResults.runID, startedAt: SyntheticResults.startedAt,
            finishedAt: records.compactMap(\.finishedAt).max() ?? SyntheticResults.startedAt, results: records
        )

        var stages: [StageMeasurement] = []
        for (index, benchmark) in benchmarks.enumerated() {
            Self.progress("\(benchmark.label): \(options.repeats) run\(options.repeats == 1 ? "" : "s") of \(records.count) records")
            stages.append(
                try await benchmark.run(
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

    /// The built-in benchmarks `--stages` asks for, in their usual order.
    private func selectedBenchmarks() throws -> [StageBenchmark] {
        guard let types = options.stageTypes else { return StageBenchmark.builtIn }
        let known = StageBenchmark.builtIn.map { $0.stageType.typeName }
        for type in types where !known.contains(type) {
            throw BenchmarkError(message: "unknown stage type '\(type)' in --stages; use any of " + known.joined(separator: ","))
        }
        return StageBenchmark.builtIn.filter { types.contains($0.stageType.typeName) }
    }

    /// Progress goes to stderr so stdout holds only the report (`--json` pipes cleanly).
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data(("stage-benchmarks: " + message + "\n").utf8))
    }
}
