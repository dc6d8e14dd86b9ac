import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

@Suite("prometheus-textfile against promtool and node_exporter")
struct PrometheusTextfileToolTests {
    /// Sample results plus names holding every character the format escapes.
    private static var trickyResults: [ExportResult] {
        SampleResults.all
            + [#"say "hi""#, #"C:\exports\"#, "two\nlines", #"\"\\n"#].enumerated().map { index, name in
                var result = SampleResults.succeeded(id: "escape-\(index)", name: name)
                result.outcome = [.timedOut, .interrupted, .failed, .succeeded][index]
                return result
            }
    }

    /// Options of the stage, as in a pipeline file.
    static let configurations: [String] = [
        "path: hss.prom",
        #"path: hss.prom\#nextra_labels: {job_name: nightly, env: 'prod "eu"'}"#,
        #"path: hss.prom\#nper_task: false\#nextra_labels: {job_name: nightly, env: 'prod "eu"'}"#,
        "path: hss.prom\nprefix: _hss_export_2",
    ]

    @Test("promtool check metrics accepts the file without a word", .enabled(if: ExternalTool.shouldRun("promtool")), arguments: configurations)
    func promtoolLint(_ options: String) async throws {
        let promtool = try ExternalTool.require("promtool", package: "prometheus")
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run(options, results: Self.trickyResults).text("hss.prom"))
            let output = try await ProcessRunner.run(promtool, ["check", "metrics"], input: Data(text.utf8))
            #expect(output.status == 0)
            #expect(output.standardOutput == "")
            #expect(output.standardError == "")
        }
    }

    @Test("promtool does flag a lint problem (so the check above can fail)", .enabled(if: ExternalTool.shouldRun("promtool")))
    func promtoolCanComplain() async throws {
        let promtool = try ExternalTool.require("promtool", package: "prometheus")
        let output = try await ProcessRunner.run(
            promtool, ["check", "metrics"], input: Data("# HELP x_total x\n# TYPE x_total gauge\nx_total 1\n".utf8))
        #expect(output.status != 0)
        #expect(!(output.standardOutput + output.standardError).isEmpty)
    }

    @Test(
        "node_exporter's textfile collector serves every series with its labels intact",
        .enabled(if: ExternalTool.shouldRun("prometheus-node-exporter")))
    func servedByNodeExporter() async throws {
        let executable = try ExternalTool.require("prometheus-node-exporter", package: "prometheus-node-exporter")
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let options = #"""
                path: hss.prom
                extra_labels: {job_name: nightly, env: 'prod "eu"'}
                """#
            let text = try #require(await harness.run(options, results: Self.trickyResults).text("hss.prom"))
            let exporter = try NodeExporterProcess(executable: executable, textfileDirectory: directory.path)
            defer { exporter.stop() }
            let served = try ExpositionSample.parse(try exporter.scrape())

            #expect(served.matching("node_textfile_scrape_error").map(\.value) == ["0"])
            let tricky = try #require(SampleResults.tricky().taskName)
            let failed = served.matching("hss_export_task_outcome", ["task_id": "task-3", "outcome": "failed"])
            #expect(
                failed.map(\.labels) == [
                    ["job_name": "nightly", "env": "prod \"eu\"", "task_id": "task-3", "task_name": tricky, "outcome": "failed"]
                ])
            #expect(failed.map(\.value) == ["1"])
            #expect(served.matching("hss_export_task_info", ["task_id": "escape-3"]).first?.labels["task_name"] == #"\"\\n"#)
            #expect(served.matching("hss_export_task_info", ["task_id": "escape-2"]).first?.labels["task_name"] == "two\nlines")
            #expect(served.matching("hss_export_last_success_timestamp_seconds").compactMap { Double($0.value) } == [1_764_426_634.123])

            // Every series written is served with the same value (Prometheus
            // drops empty label values, so compare without them).
            let written = try ExpositionSample.parse(text)
            let taskSeries: Int = Self.trickyResults.count * (TaskOutcome.allCases.count + 3)
            #expect(written.count == taskSeries + TaskOutcome.allCases.count + 3)
            for sample in written {
                let labels = sample.labels.filter { !$0.value.isEmpty }
                let match = served.filter { $0.name == sample.name && $0.labels.filter { !$0.value.isEmpty } == labels }
                #expect(match.count == 1, "\(sample) not served")
                #expect(match.first.flatMap { Double($0.value) } == Double(sample.value), "\(sample) served as \(match)")
            }
        }
    }
}
