import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

/// Label values and names are capped, so a megabyte name from HSS costs a few
/// hundred bytes per series instead of a megabyte, and a hash suffix keeps
/// two long values that share their start two series.
@Suite("prometheus-textfile caps labels and names")
struct LabelCapTests {
    @Test("a capped label value is its start, '…' and 8 hex digits of its SHA-256: exact text")
    func cappedLabelGolden() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            var result = SampleResults.succeeded(id: "t1", name: String(repeating: "a", count: 300))
            result.fileName = "short.zip"
            let text = try #require(await harness.run("path: hss.prom", results: [result]).text("hss.prom"))
            let capped = String(repeating: "a", count: 245) + "…9835fa6b"
            #expect(capped.utf8.count == 256)
            let info = text.split(separator: "\n").filter { $0.hasPrefix("hss_export_task_info{") }
            #expect(
                info.map(String.init) == [
                    #"hss_export_task_info{task_id="t1",task_name="\#(capped)",task_status="success",file_id="file-t1",file_name="short.zip"} 1"#
                ])
            #expect(!text.contains(String(repeating: "a", count: 246)))
        }
    }

    @Test("a value is cut between characters and before escaping, so the escaped text stays valid")
    func cutBetweenCharacters() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            // 3-byte characters: 245 is not a multiple of 3, so the cut backs off to 243 bytes.
            let name = String(repeating: "漏", count: 100) + "\"quoted\""
            let text = try #require(await harness.run("path: hss.prom", results: [SampleResults.succeeded(id: "t1", name: name)]).text("hss.prom"))
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("hss_export_task_polls{") })
            let value = try #require(line.split(separator: "task_name=\"").last?.split(separator: "\"}").first)
            #expect(value.hasPrefix(String(repeating: "漏", count: 81) + "…"))
            #expect(value.utf8.count == 243 + 3 + 8)
        }
    }

    @Test("long names: the prefix and extra label names are cut with a hash, values of extra labels too")
    func cappedNames() throws {
        let configuration = try PrometheusTextfileStage.Configuration(
            path: "/tmp/x.prom", prefix: String(repeating: "p", count: 100),
            extraLabels: [.init(String(repeating: "l", count: 130), "v")])
        #expect(configuration.prefix == String(repeating: "p", count: 87) + "_abd3b172")
        #expect(configuration.prefix.utf8.count == PrometheusTextfileStage.Configuration.maximumPrefixBytes)
        #expect(configuration.extraLabels.map(\.key) == [String(repeating: "l", count: 119) + "_5743a1ec"])
        let short = try PrometheusTextfileStage.Configuration(path: "/tmp/x.prom", prefix: String(repeating: "p", count: 96))
        #expect(short.prefix == String(repeating: "p", count: 96))
    }

    /// 80 tasks with 1 MB task and file names: the file once took 640 MB.
    static var hugeResults: [ExportResult] {
        let megabyte = String(repeating: "n", count: 1 << 20)
        return (0..<80).map { index in
            var result = SampleResults.succeeded(id: "task-\(index)", name: megabyte + "\(index)")
            result.fileName = megabyte + "\(index).zip"
            return result
        }
    }

    @Test("80 tasks with 1 MB names give a small file with distinct series")
    func hugeNamesGiveASmallFile() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let started = ContinuousClock.now
            let text = try #require(await harness.run("path: hss.prom", results: Self.hugeResults).text("hss.prom"))
            let elapsed = ContinuousClock.now - started
            // 8 series per task, each with at most two 256-byte values, plus the run-level ones.
            #expect(text.utf8.count < 80 * 8 * 700 + 4096)
            let names = Set(text.split(separator: "\n").filter { $0.hasPrefix("hss_export_task_polls{") })
            #expect(names.count == 80, "the hash keeps 80 names that share their first megabyte apart")
            print("80 tasks with 1 MB names: \(text.utf8.count) bytes of .prom in \(elapsed)")
        }
    }

    @Test("promtool accepts the file of 80 tasks with 1 MB names", .enabled(if: ExternalTool.shouldRun("promtool")))
    func promtoolAcceptsCappedFile() async throws {
        let promtool = try ExternalTool.require("promtool", package: "prometheus")
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let options =
                "path: hss.prom\nprefix: \(String(repeating: "p", count: 120))\nextra_labels: {env: '\(String(repeating: "e", count: 400))'}"
            let text = try #require(await harness.run(options, results: Self.hugeResults).text("hss.prom"))
            let output = try await ProcessRunner.run(promtool, ["check", "metrics"], input: Data(text.utf8))
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "")
            #expect(output.standardError == "")
        }
    }
}
