import CSVStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

/// The CSV of a `sources:` pipeline: a `source` column before `project_id`
/// by default (the header is fixed before any record, so the pipeline
/// decides, not the records); a `source:` pipeline's CSV is unchanged.
@Suite("csv stage with sources")
struct MultiSourceCSVTests {
    static var results: [ExportResult] {
        var first = SampleResults.succeeded()
        first.source = "cn4-prod"
        var second = SampleResults.errored()
        second.source = "cn4-dev"
        return [first, second]
    }

    func stage(_ values: [String: StageOptionValue], in directory: TemporaryDirectory, sources: [String]) throws -> CSVStage {
        try CSVStage(
            options: StageOptions(values, declarations: CSVStage.options, baseDirectory: directory.path),
            context: StageBuildContext(index: 0, pipelineFile: "p.yaml", sourceNames: sources))
    }

    @Test func aSourceColumnComesBeforeProjectID() async throws {
        try await withTemporaryDirectory { directory in
            let stage = try stage(["path": .string("out.csv"), "line_ending": .string("lf")], in: directory, sources: ["cn4-prod", "cn4-dev"])
            try await StageHarness(CSVStage.self, directory: directory.path).run(stage, results: Self.results)
            #expect(
                try directory.read("out.csv") == """
                    task_id,task_name,task_status,file_id,file_name,source,project_id,region,enterprise_project_id,outcome,error,polls,first_polled_at,finished_at,wait_seconds,run_id,export,download_path,download_bytes,download_sha256
                    task-1,vul export,success,file-task-1,task-1.zip,cn4-prod,0a1b2c3d4e5f60718293a4b5c6d7e8f9,cn-north-4,0,succeeded,,3,2025-11-29T14:30:31.123Z,2025-11-29T14:30:33.623Z,2.5,run-1,,,,
                    task-2,,,,,cn4-dev,0a1b2c3d4e5f60718293a4b5c6d7e8f9,cn-north-4,,error,"{""code"":""HSS.1059"",""message"":""export task \\""task-2\\"" not found"",""request_id"":""req-42""}",1,2025-11-29T14:30:31.123Z,2025-11-29T14:30:31.323Z,0.2,run-1,,,,

                    """)
        }
    }

    @Test func anEmptyMultiSourceRunStillHasTheSourceColumn() async throws {
        try await withTemporaryDirectory { directory in
            let stage = try stage(["path": .string("out.csv"), "line_ending": .string("lf")], in: directory, sources: ["a"])
            try await StageHarness(CSVStage.self, directory: directory.path).run(stage, results: [])
            #expect(try directory.read("out.csv").hasPrefix("task_id,task_name,task_status,file_id,file_name,source,project_id,"))
        }
    }

    @Test func columnsMayNameSource() async throws {
        try await withTemporaryDirectory { directory in
            let stage = try stage(
                ["path": .string("out.csv"), "line_ending": .string("lf"), "columns": .stringList(["source", "task_id", "outcome"])], in: directory,
                sources: ["cn4-prod", "cn4-dev"])
            try await StageHarness(CSVStage.self, directory: directory.path).run(stage, results: Self.results)
            #expect(try directory.read("out.csv") == "source,task_id,outcome\ncn4-prod,task-1,succeeded\ncn4-dev,task-2,error\n")
        }
    }

    @Test func aSingleSourcePipelinesCSVHasNoSourceColumn() async throws {
        try await withTemporaryDirectory { directory in
            try await StageHarness(CSVStage.self, directory: directory.path).run("path: out.csv", results: SampleResults.all)
            #expect(try directory.read("out.csv").hasPrefix("task_id,task_name,task_status,file_id,file_name,project_id,"))
        }
    }
}
