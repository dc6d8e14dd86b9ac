import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

/// The textfile of a `sources:` run: per-task series labelled with their
/// source (two sources may each have a task of one id), and tasks by source
/// and outcome; valid for promtool.
@Suite("prometheus-textfile with sources")
struct MultiSourcePrometheusTests {
    /// Two sources with a task of the same id each, and a third with an error.
    static var results: [ExportResult] {
        var prod = SampleResults.succeeded(id: "task-1", name: "vul export")
        prod.source = "cn4-prod"
        var dev = SampleResults.succeeded(id: "task-1", name: "vul export")
        dev.source = "cn4-dev"
        dev.outcome = .failed
        dev.taskStatus = "failure"
        var east = SampleResults.errored(id: "task-2")
        east.source = "east3"
        return [prod, dev, east]
    }

    @Test("per-task series with a source label, and per-source totals")
    func multiSourceGolden() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: Self.results).text("hss.prom"))
            #expect(
                text == #"""
                    # HELP hss_export_task_outcome Outcome of each task in the last run: 1 for the task's outcome, 0 for the others.
                    # TYPE hss_export_task_outcome gauge
                    hss_export_task_outcome{source="cn4-prod",task_id="task-1",task_name="vul export",outcome="succeeded"} 1
                    hss_export_task_outcome{source="cn4-prod",task_id="task-1",task_name="vul export",outcome="failed"} 0
                    hss_export_task_outcome{source="cn4-prod",task_id="task-1",task_name="vul export",outcome="timed_out"} 0
                    hss_export_task_outcome{source="cn4-prod",task_id="task-1",task_name="vul export",outcome="error"} 0
                    hss_export_task_outcome{source="cn4-prod",task_id="task-1",task_name="vul export",outcome="interrupted"} 0
                    hss_export_task_outcome{source="cn4-dev",task_id="task-1",task_name="vul export",outcome="succeeded"} 0
                    hss_export_task_outcome{source="cn4-dev",task_id="task-1",task_name="vul export",outcome="failed"} 1
                    hss_export_task_outcome{source="cn4-dev",task_id="task-1",task_name="vul export",outcome="timed_out"} 0
                    hss_export_task_outcome{source="cn4-dev",task_id="task-1",task_name="vul export",outcome="error"} 0
                    hss_export_task_outcome{source="cn4-dev",task_id="task-1",task_name="vul export",outcome="interrupted"} 0
                    hss_export_task_outcome{source="east3",task_id="task-2",task_name="",outcome="succeeded"} 0
                    hss_export_task_outcome{source="east3",task_id="task-2",task_name="",outcome="failed"} 0
                    hss_export_task_outcome{source="east3",task_id="task-2",task_name="",outcome="timed_out"} 0
                    hss_export_task_outcome{source="east3",task_id="task-2",task_name="",outcome="error"} 1
                    hss_export_task_outcome{source="east3",task_id="task-2",task_name="",outcome="interrupted"} 0
                    # HELP hss_export_task_info Status and exported file HSS reported for each task in the last run; always 1.
                    # TYPE hss_export_task_info gauge
                    hss_export_task_info{source="cn4-prod",task_id="task-1",task_name="vul export",task_status="success",file_id="file-task-1",file_name="task-1.zip"} 1
                    hss_export_task_info{source="cn4-dev",task_id="task-1",task_name="vul export",task_status="failure",file_id="file-task-1",file_name="task-1.zip"} 1
                    hss_export_task_info{source="east3",task_id="task-2",task_name="",task_status="",file_id="",file_name=""} 1
                    # HELP hss_export_task_wait_seconds Seconds from the first status request for each task to the end of its wait, in the last run.
                    # TYPE hss_export_task_wait_seconds gauge
                    hss_export_task_wait_seconds{source="cn4-prod",task_id="task-1",task_name="vul export"} 2.5
                    hss_export_task_wait_seconds{source="cn4-dev",task_id="task-1",task_name="vul export"} 2.5
                    hss_export_task_wait_seconds{source="east3",task_id="task-2",task_name=""} 0.2
                    # HELP hss_export_task_polls Status requests sent for each task in the last run.
                    # TYPE hss_export_task_polls gauge
                    hss_export_task_polls{source="cn4-prod",task_id="task-1",task_name="vul export"} 3
                    hss_export_task_polls{source="cn4-dev",task_id="task-1",task_name="vul export"} 3
                    hss_export_task_polls{source="east3",task_id="task-2",task_name=""} 1
                    # HELP hss_export_tasks Tasks of the last run, by outcome.
                    # TYPE hss_export_tasks gauge
                    hss_export_tasks{outcome="succeeded"} 1
                    hss_export_tasks{outcome="failed"} 1
                    hss_export_tasks{outcome="timed_out"} 0
                    hss_export_tasks{outcome="error"} 1
                    hss_export_tasks{outcome="interrupted"} 0
                    # HELP hss_export_source_tasks Tasks of the last run, by source and outcome.
                    # TYPE hss_export_source_tasks gauge
                    hss_export_source_tasks{source="cn4-prod",outcome="succeeded"} 1
                    hss_export_source_tasks{source="cn4-prod",outcome="failed"} 0
                    hss_export_source_tasks{source="cn4-prod",outcome="timed_out"} 0
                    hss_export_source_tasks{source="cn4-prod",outcome="error"} 0
                    hss_export_source_tasks{source="cn4-prod",outcome="interrupted"} 0
                    hss_export_source_tasks{source="cn4-dev",outcome="succeeded"} 0
                    hss_export_source_tasks{source="cn4-dev",outcome="failed"} 1
                    hss_export_source_tasks{source="cn4-dev",outcome="timed_out"} 0
                    hss_export_source_tasks{source="cn4-dev",outcome="error"} 0
                    hss_export_source_tasks{source="cn4-dev",outcome="interrupted"} 0
                    hss_export_source_tasks{source="east3",outcome="succeeded"} 0
                    hss_export_source_tasks{source="east3",outcome="failed"} 0
                    hss_export_source_tasks{source="east3",outcome="timed_out"} 0
                    hss_export_source_tasks{source="east3",outcome="error"} 1
                    hss_export_source_tasks{source="east3",outcome="interrupted"} 0
                    # HELP hss_export_run_duration_seconds Seconds from the start of the last run's polling to the end of its last task.
                    # TYPE hss_export_run_duration_seconds gauge
                    hss_export_run_duration_seconds 3
                    # HELP hss_export_run_end_timestamp_seconds Unix time at which the last run ended.
                    # TYPE hss_export_run_end_timestamp_seconds gauge
                    hss_export_run_end_timestamp_seconds 1764426634.123
                    # HELP hss_export_last_success_timestamp_seconds Unix time at which the latest run with at least one succeeded task ended.
                    # TYPE hss_export_last_success_timestamp_seconds gauge
                    hss_export_last_success_timestamp_seconds 1764426634.123

                    """#)
        }
    }

    @Test("without per-task series the per-source totals stay")
    func totalsWithoutPerTask() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom\nper_task: false", results: Self.results).text("hss.prom"))
            #expect(!text.contains("hss_export_task_outcome"))
            #expect(text.contains(#"hss_export_source_tasks{source="east3",outcome="error"} 1"#))
        }
    }

    @Test("'source' cannot be an extra label")
    func sourceIsReserved() throws {
        let harness = try StageHarness(PrometheusTextfileStage.self)
        defer { harness.removeDirectory() }
        #expect(throws: StageHarnessError.self) { try harness.build("path: hss.prom\nextra_labels: {source: x}") }
    }

    @Test("promtool check metrics accepts the multi-source file", .enabled(if: ExternalTool.shouldRun("promtool")))
    func promtoolLint() async throws {
        let promtool = try ExternalTool.require("promtool", package: "prometheus")
        for options in ["path: hss.prom", "path: hss.prom\nextra_labels: {job_name: nightly}", "path: hss.prom\nper_task: false"] {
            try await withTemporaryDirectory { directory in
                let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
                let text = try #require(await harness.run(options, results: Self.results).text("hss.prom"))
                let output = try await ProcessRunner.run(promtool, ["check", "metrics"], input: Data(text.utf8))
                #expect(output.status == 0, "\(options)")
                #expect(output.standardOutput == "")
                #expect(output.standardError == "")
            }
        }
    }
}
