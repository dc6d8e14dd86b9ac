/// The result of benchmarking one stage: medians over the repeated runs.
struct StageMeasurement: Sendable {
    /// The label printed for the stage, e.g. `gzip-manifest (level 6)`.
    var label: String
    /// Records written per run.
    var records: Int
    /// Wall seconds of every run, in run order.
    var secondsSamples: [Double]
    /// Bytes of the committed output (the same on every run).
    var outputBytes: Int
    /// Peak RSS above the RSS at the start of each run, in bytes; `nil` where
    /// `/proc/self/status` cannot be read.
    var peakRSSDeltaSamples: [Int]?

    /// The median wall time.
    var seconds: Double { secondsSamples.median ?? 0 }

    /// Records per second at the median time.
    var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }

    /// The largest peak RSS delta of the runs, not the median: later runs
    /// reuse heap pages the first one left behind and look cheaper than a
    /// fresh process would be.
    var peakRSSDelta: Int? { peakRSSDeltaSamples?.max() }
}
