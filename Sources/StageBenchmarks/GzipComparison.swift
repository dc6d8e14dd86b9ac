/// `GzipWriter` against the system `gzip` on the same input: medians over
/// the repeated runs.
struct GzipComparison: Sendable {
    /// Uncompressed bytes (JSON Lines text).
    var inputBytes: Int
    /// SHA-256 of the input, which the `GzipWriter` output decompresses to.
    var inputSHA256: String
    /// The compression level both ran at.
    var level: Int
    /// Wall seconds of every `GzipWriter` run.
    var writerSecondsSamples: [Double]
    /// Wall seconds of every `gzip -<level> -c` run, process start included.
    var systemSecondsSamples: [Double]
    /// Size of the `GzipWriter` output.
    var writerOutputBytes: Int
    /// Size of the `gzip` output.
    var systemOutputBytes: Int

    /// The median `GzipWriter` time.
    var writerSeconds: Double { writerSecondsSamples.median ?? 0 }
    /// The median `gzip` time.
    var systemSeconds: Double { systemSecondsSamples.median ?? 0 }
    /// Input megabytes (10^6 bytes) per second through `GzipWriter`.
    var writerMBPerSecond: Double { megabytesPerSecond(writerSeconds) }
    /// Input megabytes (10^6 bytes) per second through `gzip`.
    var systemMBPerSecond: Double { megabytesPerSecond(systemSeconds) }
    /// `GzipWriter` time over `gzip` time: above 1 means `GzipWriter` is slower.
    var timeRatio: Double { systemSeconds > 0 ? writerSeconds / systemSeconds : 0 }

    private func megabytesPerSecond(_ seconds: Double) -> Double {
        seconds > 0 ? Double(inputBytes) / 1_000_000 / seconds : 0
    }
}
