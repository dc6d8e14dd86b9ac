import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

@Suite("prometheus-textfile output")
struct PrometheusTextfileGoldenTests {
    @Test("per-task and run-level series for the sample results")
    func perTaskGolden() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: SampleResults.all).text("hss.prom"))
            #expect(
                text == #"""
                    # HELP hss_export_task_outcome Outcome of each task in the last run: 1 for the task's outcome, 0 for the others.
                    # TYPE hss_export_task_outcome gauge
                    hss_export_task_outcome{task_id="task-1",task_name="vul export",outcome="succeeded"} 1
                    hss_export_task_outcome{task_id="task-1",task_name="vul export",outcome="failed"} 0
                    hss_export_task_outcome{task_id="task-1",task_name="vul export",outcome="timed_out"} 0
                    hss_export_task_outcome{task_id="task-1",task_name="vul export",outcome="error"} 0
                    hss_export_task_outcome{task_id="task-1",task_name="vul export",outcome="interrupted"} 0
                    hss_export_task_outcome{task_id="task-2",task_name="",outcome="succeeded"} 0
                    hss_export_task_outcome{task_id="task-2",task_name="",outcome="failed"} 0
                    hss_export_task_outcome{task_id="task-2",task_name="",outcome="timed_out"} 0
                    hss_export_task_outcome{task_id="task-2",task_name="",outcome="error"} 1
                    hss_export_task_outcome{task_id="task-2",task_name="",outcome="interrupted"} 0
                    hss_export_task_outcome{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",outcome="succeeded"} 0
                    hss_export_task_outcome{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",outcome="failed"} 1
                    hss_export_task_outcome{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",outcome="timed_out"} 0
                    hss_export_task_outcome{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",outcome="error"} 0
                    hss_export_task_outcome{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",outcome="interrupted"} 0
                    # HELP hss_export_task_info Status and exported file HSS reported for each task in the last run; always 1.
                    # TYPE hss_export_task_info gauge
                    hss_export_task_info{task_id="task-1",task_name="vul export",task_status="success",file_id="file-task-1",file_name="task-1.zip"} 1
                    hss_export_task_info{task_id="task-2",task_name="",task_status="",file_id="",file_name=""} 1
                    hss_export_task_info{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞",task_status="failure",file_id="file-task-3",file_name="task-3.zip"} 1
                    # HELP hss_export_task_wait_seconds Seconds from the first status request for each task to the end of its wait, in the last run.
                    # TYPE hss_export_task_wait_seconds gauge
                    hss_export_task_wait_seconds{task_id="task-1",task_name="vul export"} 2.5
                    hss_export_task_wait_seconds{task_id="task-2",task_name=""} 0.2
                    hss_export_task_wait_seconds{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞"} 2.5
                    # HELP hss_export_task_polls Status requests sent for each task in the last run.
                    # TYPE hss_export_task_polls gauge
                    hss_export_task_polls{task_id="task-1",task_name="vul export"} 3
                    hss_export_task_polls{task_id="task-2",task_name=""} 1
                    hss_export_task_polls{task_id="task-3",task_name="=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞"} 3
                    # HELP hss_export_tasks Tasks of the last run, by outcome.
                    # TYPE hss_export_tasks gauge
                    hss_export_tasks{outcome="succeeded"} 1
                    hss_export_tasks{outcome="failed"} 1
                    hss_export_tasks{outcome="timed_out"} 0
                    hss_export_tasks{outcome="error"} 1
                    hss_export_tasks{outcome="interrupted"} 0
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

    @Test("extra labels lead every series, per task and per run")
    func extraLabelsGolden() async throws {
        try await withTemporaryDirectory { directory in
            let results = [SampleResults.succeeded(), SampleResults.errored()]
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let options = #"""
                path: hss.prom
                prefix: hss_nightly
                extra_labels: {job_name: nightly, env: 'prod "eu"'}
                """#
            let text = try #require(await harness.run(options, results: results).text("hss.prom"))
            #expect(
                text == #"""
                    # HELP hss_nightly_task_outcome Outcome of each task in the last run: 1 for the task's outcome, 0 for the others.
                    # TYPE hss_nightly_task_outcome gauge
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",outcome="succeeded"} 1
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",outcome="failed"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",outcome="timed_out"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",outcome="error"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",outcome="interrupted"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",outcome="succeeded"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",outcome="failed"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",outcome="timed_out"} 0
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",outcome="error"} 1
                    hss_nightly_task_outcome{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",outcome="interrupted"} 0
                    # HELP hss_nightly_task_info Status and exported file HSS reported for each task in the last run; always 1.
                    # TYPE hss_nightly_task_info gauge
                    hss_nightly_task_info{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export",task_status="success",file_id="file-task-1",file_name="task-1.zip"} 1
                    hss_nightly_task_info{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name="",task_status="",file_id="",file_name=""} 1
                    # HELP hss_nightly_task_wait_seconds Seconds from the first status request for each task to the end of its wait, in the last run.
                    # TYPE hss_nightly_task_wait_seconds gauge
                    hss_nightly_task_wait_seconds{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export"} 2.5
                    hss_nightly_task_wait_seconds{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name=""} 0.2
                    # HELP hss_nightly_task_polls Status requests sent for each task in the last run.
                    # TYPE hss_nightly_task_polls gauge
                    hss_nightly_task_polls{job_name="nightly",env="prod \"eu\"",task_id="task-1",task_name="vul export"} 3
                    hss_nightly_task_polls{job_name="nightly",env="prod \"eu\"",task_id="task-2",task_name=""} 1
                    # HELP hss_nightly_tasks Tasks of the last run, by outcome.
                    # TYPE hss_nightly_tasks gauge
                    hss_nightly_tasks{job_name="nightly",env="prod \"eu\"",outcome="succeeded"} 1
                    hss_nightly_tasks{job_name="nightly",env="prod \"eu\"",outcome="failed"} 0
                    hss_nightly_tasks{job_name="nightly",env="prod \"eu\"",outcome="timed_out"} 0
                    hss_nightly_tasks{job_name="nightly",env="prod \"eu\"",outcome="error"} 1
                    hss_nightly_tasks{job_name="nightly",env="prod \"eu\"",outcome="interrupted"} 0
                    # HELP hss_nightly_run_duration_seconds Seconds from the start of the last run's polling to the end of its last task.
                    # TYPE hss_nightly_run_duration_seconds gauge
                    hss_nightly_run_duration_seconds{job_name="nightly",env="prod \"eu\""} 3
                    # HELP hss_nightly_run_end_timestamp_seconds Unix time at which the last run ended.
                    # TYPE hss_nightly_run_end_timestamp_seconds gauge
                    hss_nightly_run_end_timestamp_seconds{job_name="nightly",env="prod \"eu\""} 1764426634.123
                    # HELP hss_nightly_last_success_timestamp_seconds Unix time at which the latest run with at least one succeeded task ended.
                    # TYPE hss_nightly_last_success_timestamp_seconds gauge
                    hss_nightly_last_success_timestamp_seconds{job_name="nightly",env="prod \"eu\""} 1764426634.123

                    """#)
        }
    }

    @Test("per_task false writes only the run-level series")
    func runLevelOnlyGolden() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let options = #"""
                path: hss.prom
                per_task: false
                extra_labels: {job_name: nightly, env: 'prod "eu"'}
                """#
            let text = try #require(await harness.run(options, results: SampleResults.all).text("hss.prom"))
            #expect(
                text == #"""
                    # HELP hss_export_tasks Tasks of the last run, by outcome.
                    # TYPE hss_export_tasks gauge
                    hss_export_tasks{job_name="nightly",env="prod \"eu\"",outcome="succeeded"} 1
                    hss_export_tasks{job_name="nightly",env="prod \"eu\"",outcome="failed"} 1
                    hss_export_tasks{job_name="nightly",env="prod \"eu\"",outcome="timed_out"} 0
                    hss_export_tasks{job_name="nightly",env="prod \"eu\"",outcome="error"} 1
                    hss_export_tasks{job_name="nightly",env="prod \"eu\"",outcome="interrupted"} 0
                    # HELP hss_export_run_duration_seconds Seconds from the start of the last run's polling to the end of its last task.
                    # TYPE hss_export_run_duration_seconds gauge
                    hss_export_run_duration_seconds{job_name="nightly",env="prod \"eu\""} 3
                    # HELP hss_export_run_end_timestamp_seconds Unix time at which the last run ended.
                    # TYPE hss_export_run_end_timestamp_seconds gauge
                    hss_export_run_end_timestamp_seconds{job_name="nightly",env="prod \"eu\""} 1764426634.123
                    # HELP hss_export_last_success_timestamp_seconds Unix time at which the latest run with at least one succeeded task ended.
                    # TYPE hss_export_last_success_timestamp_seconds gauge
                    hss_export_last_success_timestamp_seconds{job_name="nightly",env="prod \"eu\""} 1764426634.123

                    """#)
        }
    }

    @Test("quotes, backslashes and line feeds in task names are escaped")
    func escapingGolden() async throws {
        try await withTemporaryDirectory { directory in
            let names = [#"say "hi""#, #"C:\exports\"#, "two\nlines", "crlf\r\nend", #"all \" of \\n them"#]
            let results = names.enumerated().map { index, name in
                var result = SampleResults.succeeded(id: "t\(index)", name: name)
                result.waitSeconds = 0.0004  // rounds to 0 ms
                result.polls = index
                return result
            }
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: results).text("hss.prom"))
            let polls = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.hasPrefix("hss_export_task_polls{") || $0.hasPrefix("hss_export_task_wait_seconds{") }
                .joined(separator: "\n")
            // `\#r` is a raw carriage return: the format leaves it alone, but the
            // line feed after it (one Character with it) must still be escaped.
            #expect(
                polls == #"""
                    hss_export_task_wait_seconds{task_id="t0",task_name="say \"hi\""} 0
                    hss_export_task_wait_seconds{task_id="t1",task_name="C:\\exports\\"} 0
                    hss_export_task_wait_seconds{task_id="t2",task_name="two\nlines"} 0
                    hss_export_task_wait_seconds{task_id="t3",task_name="crlf\#r\nend"} 0
                    hss_export_task_wait_seconds{task_id="t4",task_name="all \\\" of \\\\n them"} 0
                    hss_export_task_polls{task_id="t0",task_name="say \"hi\""} 0
                    hss_export_task_polls{task_id="t1",task_name="C:\\exports\\"} 1
                    hss_export_task_polls{task_id="t2",task_name="two\nlines"} 2
                    hss_export_task_polls{task_id="t3",task_name="crlf\#r\nend"} 3
                    hss_export_task_polls{task_id="t4",task_name="all \\\" of \\\\n them"} 4
                    """#)
            // And back: an independent parser recovers every name exactly.
            let parsed = try ExpositionSample.parse(text).matching("hss_export_task_polls").map { $0.labels["task_name"] }
            #expect(parsed == names)
        }
    }

    @Test("numbers: seconds rounded to milliseconds, integers without a fraction")
    func numberFormatting() async throws {
        try await withTemporaryDirectory { directory in
            var result = SampleResults.succeeded()
            result.waitSeconds = 12.34567
            result.polls = 1_000_000
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            let summary = RunSummary(
                runID: "run-1", startedAt: start, finishedAt: start.addingTimeInterval(61.05), outcomes: [.succeeded: 1]
            )
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: [result], summary: summary).text("hss.prom"))
            let samples = try ExpositionSample.parse(text)
            #expect(samples.matching("hss_export_task_wait_seconds").map(\.value) == ["12.346"])
            #expect(samples.matching("hss_export_task_polls").map(\.value) == ["1000000"])
            #expect(samples.matching("hss_export_run_duration_seconds").map(\.value) == ["61.05"])
            #expect(samples.matching("hss_export_run_end_timestamp_seconds").map(\.value) == ["1700000061.05"])
            #expect(samples.matching("hss_export_last_success_timestamp_seconds").map(\.value) == ["1700000061.05"])
        }
    }
}
