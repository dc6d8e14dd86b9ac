import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

@Suite("prometheus-textfile last success")
struct PrometheusTextfileCarryOverTests {
    private let lastSuccess = "hss_export_last_success_timestamp_seconds"

    /// A summary of `results` that ends `offset` seconds after the reference date.
    private func summary(of results: [ExportResult], endingAfter offset: TimeInterval) -> RunSummary {
        RunSummary(
            runID: "run-2", startedAt: SampleResults.referenceDate, finishedAt: SampleResults.referenceDate.addingTimeInterval(offset),
            results: results)
    }

    @Test("a run without success keeps the previous file's last success")
    func carriedOverFromPreviousRun() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let options = #"""
                path: hss.prom
                extra_labels: {job_name: nightly, env: 'prod "eu"'}
                """#
            try await harness.run(options, results: [SampleResults.succeeded()], summary: summary(of: [SampleResults.succeeded()], endingAfter: 3))

            let failing = [SampleResults.errored(), SampleResults.tricky()]
            let text = try #require(await harness.run(options, results: failing, summary: summary(of: failing, endingAfter: 86_400)).text("hss.prom"))
            let samples = try ExpositionSample.parse(text)
            #expect(samples.matching(lastSuccess).map(\.value) == ["1764426634.123"])
            #expect(samples.matching(lastSuccess).first?.labels == ["job_name": "nightly", "env": "prod \"eu\""])
            #expect(samples.matching("hss_export_run_end_timestamp_seconds").map(\.value) == ["1764513031.123"])

            // Carried over again by a third failing run: the value survives any number of them.
            let again = try #require(
                await harness.run(options, results: failing, summary: summary(of: failing, endingAfter: 2 * 86_400)).text("hss.prom"))
            #expect(try ExpositionSample.parse(again).matching(lastSuccess).map(\.value) == ["1764426634.123"])
        }
    }

    @Test("a run with a success replaces the previous last success")
    func replacedBySuccess() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                "# TYPE hss_export_last_success_timestamp_seconds gauge\nhss_export_last_success_timestamp_seconds 1000\n", to: "hss.prom")
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: [SampleResults.succeeded()]).text("hss.prom"))
            #expect(try ExpositionSample.parse(text).matching(lastSuccess).map(\.value) == ["1764426634.123"])
        }
    }

    @Test("the previous value is found whatever its labels and number format")
    func parsesPreviousFile() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                #"""
                # HELP hss_export_last_success_timestamp_seconds_other A longer name that must not match.
                hss_export_last_success_timestamp_seconds_other 9.9e9
                hss_export_last_success_timestamp_seconds{job_name="a } b \" c",env=""} 1.7000000001e+09
                hss_export_tasks{outcome="succeeded"} 1

                """#, to: "hss.prom")
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: [SampleResults.errored()]).text("hss.prom"))
            #expect(try ExpositionSample.parse(text).matching(lastSuccess).map(\.value) == ["1700000000.1"])
        }
    }

    @Test("without a success now or before, the series is omitted")
    func omittedWithoutAnySuccess() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("this is not exposition text\n", to: "hss.prom")
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: [SampleResults.errored()]).text("hss.prom"))
            #expect(!text.contains(lastSuccess))
            #expect(try ExpositionSample.parse(text).matching("hss_export_tasks", ["outcome": "error"]).map(\.value) == ["1"])
        }
    }
}
