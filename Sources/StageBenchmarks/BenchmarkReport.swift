/// Everything one benchmark run measured, printed as a table or as JSON.
struct BenchmarkReport: Sendable {
    /// Where it ran.
    var machine: MachineInfo
    /// Runs behind every median.
    var repeats: Int
    /// One entry per stage, in the order they ran.
    var stages: [StageMeasurement]
    /// The compressor comparison; `nil` when skipped with `--gzip-mib 0`.
    var gzip: GzipComparison?
}
