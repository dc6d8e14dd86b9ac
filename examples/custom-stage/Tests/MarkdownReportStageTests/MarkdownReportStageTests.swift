import ExportPipeline
import Foundation
import Logging
import MarkdownReportStage
import Testing

@Suite struct MarkdownReportStageTests {
    @Test func writesTheGoldenReportAndPublishesIt() async throws {
        try await withTemporaryDirectory { directory in
            let context = Fixture.context()
            let stage = try MarkdownReportStage(options: Fixture.options(["path": .string("report.md")], in: directory), context: Fixture.buildContext)
            for result in Fixture.results { try await stage.receive(result, context: context) }
            try await stage.finish(summary: Fixture.summary, context: context)

            let path = directory + "/report.md"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text == """
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
            let digest = try FileDigest.ofFile(at: path)
            #expect(context.artifacts == [Artifact(stage: "markdown-report", path: path, bytes: digest.bytes, sha256: digest.sha256)])
        }
    }

    @Test func onlyProblemsListsTheTasksThatDidNotSucceedUnderItsTitle() async throws {
        try await withTemporaryDirectory { directory in
            let context = Fixture.context()
            let options = Fixture.options(["path": .string("problems.md"), "title": .string("Nightly exports"), "only_problems": .bool(true)], in: directory)
            let stage = try MarkdownReportStage(options: options, context: Fixture.buildContext)
            for result in Fixture.results { try await stage.receive(result, context: context) }
            try await stage.finish(summary: Fixture.summary, context: context)

            let text = try String(contentsOfFile: directory + "/problems.md", encoding: .utf8)
            let table = text.components(separatedBy: "\n## Summary")[0]
            #expect(table == """
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
    }

    @Test func onlyProblemsSaysSoWhenEveryTaskSucceeded() async throws {
        try await withTemporaryDirectory { directory in
            let context = Fixture.context()
            let options = Fixture.options(["path": .string("ok.md"), "only_problems": .bool(true)], in: directory)
            let stage = try MarkdownReportStage(options: options, context: Fixture.buildContext)
            let succeeded = [Fixture.results[0]]
            try await stage.receive(succeeded[0], context: context)
            let summary = RunSummary(runID: Fixture.runID, startedAt: Fixture.start, finishedAt: Fixture.start.addingTimeInterval(61.25), results: succeeded)
            try await stage.finish(summary: summary, context: context)

            let text = try String(contentsOfFile: directory + "/ok.md", encoding: .utf8)
            #expect(text.contains("## Tasks that did not succeed\n\nAll 1 task succeeded.\n\n## Summary\n"))
        }
    }

    @Test func aFailedRunLeavesThePreviousReportUntouched() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/report.md"
            try "previous report\n".write(toFile: path, atomically: false, encoding: .utf8)
            let context = Fixture.context()
            let stage = try MarkdownReportStage(options: Fixture.options(["path": .string("report.md")], in: directory), context: Fixture.buildContext)
            // Results arrive but the run dies before finish: nothing is written.
            for result in Fixture.results { try await stage.receive(result, context: context) }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous report\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.md"])
            #expect(context.artifacts.isEmpty)
        }
    }

    @Test func theLoaderReportsAWrongPathWithItsLocation() throws {
        let loader = PipelineLoader(registry: StageRegistry([MarkdownReportStage.self]), environment: [:])
        let yaml = """
            version: 1
            source:
              endpoint: http://127.0.0.1:8080
              project_id: p1
            tasks: [t1]
            stages:
              - type: markdown-report
                path: report.txt
            """
        let error = #expect(throws: PipelineLoadError.self) {
            try loader.load(yaml: yaml, file: "report.pipeline.yaml", baseDirectory: "/tmp")
        }
        #expect(error?.description == """
            report.pipeline.yaml:8:11: error: option 'path' of stage 'markdown-report': 'report.txt' is not a Markdown file name; end the path in .md or .markdown
            """)
    }

    @Test func aBlankTitleIsRejected() throws {
        let error = #expect(throws: StageOptionError.self) {
            try MarkdownReportStage(options: Fixture.options(["path": .string("r.md"), "title": .string("  ")], in: "/tmp"), context: Fixture.buildContext)
        }
        #expect(error?.description == "option 'title': is blank; give the report a heading, or remove 'title' for 'HSS export run'")
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
    static let buildContext = StageBuildContext(index: 0, pipelineFile: "nightly.pipeline.yaml")

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

    static func options(_ values: [String: StageOptionValue], in directory: String) -> StageOptions {
        StageOptions(values, declarations: MarkdownReportStage.options, baseDirectory: directory)
    }
}

/// Runs `body` with a fresh directory that is removed afterwards.
func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("markdown-report-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await body(directory)
}
