import ExportStageKit
import ExportStageTesting
import Foundation
import JSONLinesStage
import TestSupport
import Testing

/// Records of a `sources:` pipeline carry `source`, before `project_id`;
/// records without one are written exactly as before.
@Suite("jsonl stage with sources")
struct MultiSourceJSONLinesTests {
    static let goldenSucceeded =
        #"{"task_id":"task-1","task_name":"vul export","task_status":"success","file_id":"file-task-1","file_name":"task-1.zip","source":"cn4-prod","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"succeeded","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenErrored =
        #"{"task_id":"task-2","task_name":null,"task_status":null,"file_id":null,"file_name":null,"source":"cn4-dev","project_id":"1b2c","region":"cn-north-4","enterprise_project_id":null,"outcome":"error","error":{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"},"polls":1,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:31.323Z","wait_seconds":0.2,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#

    static var results: [ExportResult] {
        var first = SampleResults.succeeded()
        first.source = "cn4-prod"
        var second = SampleResults.errored()
        second.source = "cn4-dev"
        second.projectID = "1b2c"
        return [first, second]
    }

    @Test func writesSourceBeforeProjectID() async throws {
        try await withTemporaryDirectory { directory in
            try await StageHarness(JSONLinesStage.self, directory: directory.path).run("path: out.jsonl", results: Self.results)
            #expect(try directory.read("out.jsonl") == Self.goldenSucceeded + "\n" + Self.goldenErrored + "\n")
        }
    }

    @Test func theFastPathEqualsTheRecordsJSON() throws {
        for result in Self.results + SampleResults.all {
            #expect(result.jsonLine == result.jsonValue.serialized + "\n")
            #expect(result.fields.map(\.key) == ExportResult.fieldNames(withSource: result.source != nil))
        }
    }
}
