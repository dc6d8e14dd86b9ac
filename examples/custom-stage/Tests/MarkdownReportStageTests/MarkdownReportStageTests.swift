import ExportStageKit
import ExportStageTesting
import Foundation
import MarkdownReportStage
import Testing

// StageHarness builds the stage from YAML through the real loader, in a fresh
// directory, and runs it in the run context of Fixture: pipeline file
// nightly.pipeline.yaml, hss-export 0.1.0.
@Suite struct MarkdownReportStageTests {
    @Test func writesTheGoldenReportAndPublishesIt() async throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        let run = try await harness.run("path: report.md", results: Fixture.results, summary: Fixture.summary, context: Fixture.context())

        #expect(
            run.text("report.md") == """
                # HSS export run

                Run 20250101020000-1a2b3c4d of nightly.pipeline.yaml, hss-export 0.1.0.

                ## Tasks

                | Task | Name | Outcome | Polls | Wait (s) | Error |
                | --- | --- | --- | ---: | ---: | --- |
                | export-vul-0001 | Vulnerability export | succeeded | 4 | 61.250 |  |
                | export-baseline-0003 | Baseline \\| check \\*nightly\\* | failed | 2 | 0.500 |  |
                | export-x\\_0005 |  | error | 1 | 0.000 | APIG.0301: Incorrect IAM authentication information: token expired \\<retry\\> |

                ## Summary

                | Outcome | Tasks |
                | --- | ---: |
                | succeeded | 1 |
                | failed | 1 |
                | timed_out | 0 |
                | error | 1 |
                | interrupted | 0 |
                | total | 3 |

                - Started: 2025-01-01T02:00:00.000Z
                - Finished: 2025-01-01T02:01:02.500Z
                - Duration: 62.500 s
                - Interrupted: no

                """)
        let path = harness.path("report.md")
        let digest = try FileDigest.ofFile(at: path)
        #expect(run.artifacts == [Artifact(stage: "markdown-report", path: path, bytes: digest.bytes, sha256: digest.sha256)])
    }

    @Test func onlyProblemsListsTheTasksThatDidNotSucceedUnderItsTitle() async throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        let run = try await harness.run(
            "path: problems.md\ntitle: Nightly exports\nonly_problems: true", results: Fixture.results, summary: Fixture.summary,
            context: Fixture.context()
        )

        let text = try #require(run.text("problems.md"))
        let table = text.components(separatedBy: "\n## Summary")[0]
        #expect(
            table == """
                # Nightly exports

                Run 20250101020000-1a2b3c4d of nightly.pipeline.yaml, hss-export 0.1.0.

                ## Tasks that did not succeed

                | Task | Name | Outcome | Polls | Wait (s) | Error |
                | --- | --- | --- | ---: | ---: | --- |
                | export-baseline-0003 | Baseline \\| check \\*nightly\\* | failed | 2 | 0.500 |  |
                | export-x\\_0005 |  | error | 1 | 0.000 | APIG.0301: Incorrect IAM authentication information: token expired \\<retry\\> |

                """)
        #expect(text.contains("| total | 3 |"))
    }

    @Test func onlyProblemsSaysSoWhenEveryTaskSucceeded() async throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        let succeeded = [Fixture.results[0]]
        let summary = RunSummary(
            runID: Fixture.runID, startedAt: Fixture.start, finishedAt: Fixture.start.addingTimeInterval(61.25), results: succeeded)
        let run = try await harness.run("path: ok.md\nonly_problems: true", results: succeeded, summary: summary)

        let text = try #require(run.text("ok.md"))
        #expect(text.contains("## Tasks that did not succeed\n\nAll 1 task succeeded.\n\n## Summary\n"))
    }

    @Test func aFailedRunLeavesThePreviousReportUntouched() async throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        _ = try AtomicFileWriter.write("previous report\n", to: harness.path("report.md"))
        let stage = try harness.build("path: report.md")
        let context = SampleResults.context()
        // Results arrive but the run dies before finish: nothing is written.
        for result in Fixture.results { try await stage.receive(result, context: context) }
        #expect(try harness.files() == ["report.md": Array("previous report\n".utf8)])
        #expect(context.artifacts.isEmpty)
    }

    @Test func theLoaderReportsAWrongPathWithItsLocation() throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        let error = #expect(throws: StageHarnessError.self) {
            try harness.build("path: report.txt")
        }
        // Lines count within the options; the column includes the four spaces
        // that indent them under `stages:`.
        #expect(
            error?.description == """
                options:1:11: error: option 'path' of stage 'markdown-report': 'report.txt' is not a Markdown file name; end the path in .md or .markdown
                """)
    }

    @Test func aBlankTitleIsRejected() throws {
        let harness = try StageHarness(MarkdownReportStage.self)
        defer { harness.removeDirectory() }
        let error = #expect(throws: StageHarnessError.self) {
            try harness.build("path: r.md\ntitle: '  '")
        }
        #expect(
            error?.description == """
                options:2:12: error: option 'title' of stage 'markdown-report': is blank; give the report a heading, or remove 'title' for 'HSS export run'
                """)
    }

    @Test func theDeclaredOptionsAreWhatTheStagesCommandShows() {
        #expect(MarkdownReportStage.typeName == "markdown-report")
        #expect(MarkdownReportStage.options.map(\.name) == ["path", "title", "only_problems"])
        #expect(MarkdownReportStage.options.map(\.isRequired) == [true, false, false])
        #expect(MarkdownReportStage.options.map(\.defaultValue) == [nil, .string("HSS export run"), .bool(false)])
    }
}

/// A fixed run: one task of each of succeeded, failed (with Markdown in its
/// name) and error (with a multi-line message and HTML-like text).
enum Fixture {
    static let runID = "20250101020000-1a2b3c4d"
    static let start = Date(timeIntervalSince1970: 1_735_696_800)

    static let results: [ExportResult] = [
        ExportResult(
            taskID: "export-vul-0001", taskName: "Vulnerability export", taskStatus: "success",
            fileID: "file-vul-0001", fileName: "vulnerabilities.zip", projectID: "p1", outcome: .succeeded,
            polls: 4, firstPolledAt: start, finishedAt: start.addingTimeInterval(61.25), waitSeconds: 61.25, runID: runID
        ),
        ExportResult(
            taskID: "export-baseline-0003", taskName: "Baseline | check *nightly*", taskStatus: "failure",
            projectID: "p1", outcome: .failed, polls: 2, firstPolledAt: start, finishedAt: start.addingTimeInterval(0.5),
            waitSeconds: 0.5, runID: runID
        ),
        ExportResult(
            taskID: "export-x_0005", projectID: "p1", outcome: .error,
            error: .init(code: "APIG.0301", message: "Incorrect IAM authentication information: token expired\n<retry>", requestID: "req-1"),
            polls: 1, firstPolledAt: start, finishedAt: start, waitSeconds: 0, runID: runID
        ),
    ]

    static let summary = RunSummary(runID: runID, startedAt: start, finishedAt: start.addingTimeInterval(62.5), results: results)

    static func context() -> RunContext {
        RunContext(
            runID: runID, startedAt: start, pipelineFile: "nightly.pipeline.yaml",
            pipelineSHA256: String(repeating: "0", count: 64), toolVersion: "0.1.0", logger: Logger(label: "test")
        )
    }
}
