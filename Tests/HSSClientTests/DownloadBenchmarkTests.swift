import ExportPipeline
import Foundation
import HSSClient
import TestSupport
import Testing

/// The driver of `scripts/benchmark-download.sh`: one large download from the server the
/// script starts, with its throughput and the process's peak memory printed. It asserts
/// only that the file arrived whole; numbers are for reading, not for pass or fail.
@Suite struct DownloadBenchmarkTests {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["HSS_EXPORT_DOWNLOAD_BENCHMARK"] == "1"))
    func downloadALargeFile() async throws {
        let endpoint = try #require(Self.environment["HSS_EXPORT_BENCHMARK_ENDPOINT"], "run scripts/benchmark-download.sh")
        let configuration = HSSClientConfiguration(
            endpoint: .url(endpoint), projectID: "benchmark", credentials: SimulatorFixture.accessKeyCredentials, environment: [:])
        try await withTemporaryDirectory { directory in
            let destination = directory.file("download.part")
            let before = Self.memory()
            // Resets the peak (VmHWM) to the current size, so the peak read afterwards is the download's.
            try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
            let started = ContinuousClock.now
            let downloaded = try await HSSClient.withClient(configuration: configuration, logger: CaptureFixture.quiet) { client in
                try await client.downloadFile("f-benchmark", to: destination, maximumBytes: Int.max)
            }
            let elapsed = ContinuousClock.now - started
            let after = Self.memory()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let megabytes = Double(downloaded.bytes) / 1e6
            print(
                "download: \(downloaded.bytes) bytes in \(String(format: "%.2f", seconds)) s, "
                    + "\(String(format: "%.1f", megabytes / seconds)) MB/s; "
                    + "RSS before \(before.rss / 1024) MiB, peak during \(after.peak / 1024) MiB "
                    + "(+\((after.peak - before.rss) / 1024) MiB); sha256 \(downloaded.sha256)")
            if let expected = Self.environment["HSS_EXPORT_BENCHMARK_SHA256"] {
                #expect(downloaded.sha256 == expected)
            }
        }
    }

    /// VmRSS and VmHWM of this process in KiB (Linux); zeros elsewhere.
    static func memory() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (value("VmRSS"), value("VmHWM"))
    }
}
