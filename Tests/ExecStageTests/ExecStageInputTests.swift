import ExecStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite("exec stage: what the command reads")
struct ExecStageInputTests {
    static let goldenSucceeded =
        #"{"task_id":"task-1","task_name":"vul export","task_status":"success","file_id":"file-task-1","file_name":"task-1.zip","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"succeeded","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenErrored =
        #"{"task_id":"task-2","task_name":null,"task_status":null,"file_id":null,"file_name":null,"project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":null,"outcome":"error","error":{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"},"polls":1,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:31.323Z","wait_seconds":0.2,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenTricky =
        #"{"task_id":"task-3","task_name":"=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞","task_status":"failure","file_id":"file-task-3","file_name":"task-3.zip","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"failed","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenSummary =
        #"{"summary":{"run_id":"run-1","started_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:34.123Z","duration_seconds":3,"tasks":3,"outcomes":{"succeeded":1,"failed":1,"timed_out":0,"error":1,"interrupted":0},"interrupted":false}}"#
    static let goldenEmptySummary =
        #"{"summary":{"run_id":"run-1","started_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:34.123Z","duration_seconds":3,"tasks":0,"outcomes":{"succeeded":0,"failed":0,"timed_out":0,"error":0,"interrupted":0},"interrupted":false}}"#

    @Test func commandReadsEveryLineInOrderThenTheSummary() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let context = SampleResults.context()
            let command = quoted(["/bin/sh", "-c", #"cat > "$1""#, "sh", directory.file("stdin.jsonl")])
            try await harness.run(
                "command: \(command)", results: [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()], context: context)
            let expected = [Self.goldenSucceeded, Self.goldenErrored, Self.goldenTricky, Self.goldenSummary].map { $0 + "\n" }.joined()
            #expect(try directory.read("stdin.jsonl") == expected)
            // The command's side effects are its own: nothing is published.
            #expect(context.artifacts.isEmpty)
        }
    }

    @Test func aRunWithoutTasksStillRunsTheCommandWithTheSummary() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let command = quoted(["/bin/sh", "-c", #"cat > "$1""#, "sh", directory.file("stdin.jsonl")])
            try await harness.run("command: \(command)", results: [])
            #expect(try directory.read("stdin.jsonl") == Self.goldenEmptySummary + "\n")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func everyLineIsAJSONDocumentForPython() async throws {
        _ = try ExternalTool.require("python3", package: "python3")
        try await withTemporaryDirectory { directory in
            let script = """
                import json, sys
                names = []
                for line in sys.stdin:
                    record = json.loads(line)
                    names.append(record["task_name"] if "task_id" in record else "summary of %d" % record["summary"]["tasks"])
                open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(names, ensure_ascii=False))
                """
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let command = quoted(["python3", "-c", script, directory.file("names.json")])
            try await harness.run("command: \(command)", results: [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()])
            #expect(
                try directory.read("names.json")
                    == #"["vul export", null, "=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞", "summary of 3"]"#)
        }
    }

    /// 20,000 records are megabytes, far more than a pipe holds, so the
    /// stage's writes hit a closed pipe (EPIPE, and SIGPIPE unless handled).
    @Test(arguments: [
        (["/bin/sh", "-c", "exit 0"], nil as Int32?),
        (["head", "-c", "100"], nil),
        (["/bin/sh", "-c", "exit 4"], Int32(4)),
    ])
    func commandThatStopsReadingEarlyNeitherCrashesNorHangs(command: [String], expectedStatus: Int32?) async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let results = (0..<20_000).map { SampleResults.succeeded(id: "task-\($0)") }
            do {
                try await harness.run("command: \(quoted(command))\ntimeout: 30s", results: results)
                #expect(expectedStatus == nil)
            } catch let error as ExecStageError {
                #expect(error.reason == .exited(status: expectedStatus ?? 0))
            }
        }
    }

    /// A command that closes its standard input and goes on running makes
    /// the stage's next write fail with EPIPE while the command is alive; the
    /// SIGPIPE that comes with it must not end the test process.
    @Test func commandThatClosesItsInputButKeepsRunningDoesNotKillTheProcess() async throws {
        try await withTemporaryDirectory { directory in
            // The second of sleep is the "keeps running", not a wait for anything.
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let results = (0..<2_000).map { SampleResults.succeeded(id: "task-\($0)") }
            try await harness.run("command: [/bin/sh, -c, 'exec 0<&-; sleep 1', sh]\ntimeout: 30s", results: results)
        }
    }

    @Test func commandThatWritesALotBeforeReadingDoesNotDeadlock() async throws {
        try await withTemporaryDirectory { directory in
            // 1 MB on each output before it reads anything: both pipes fill up
            // long before that unless the stage reads them while it writes.
            let script = #"head -c 1000000 /dev/zero | tr '\0' o; head -c 1000000 /dev/zero | tr '\0' e >&2; cat > "$1""#
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let results = (0..<2_000).map { SampleResults.succeeded(id: "task-\($0)") }
            try await harness.run(
                "command: \(quoted(["/bin/sh", "-c", script, "sh", directory.file("stdin.jsonl")]))\ntimeout: 30s", results: results)
            let lines = try directory.read("stdin.jsonl").split(separator: "\n")
            #expect(lines.count == 2_001)
            #expect(lines.first == Substring(results[0].jsonValue.serialized))
            #expect(lines.last?.hasPrefix(#"{"summary":{"run_id":"run-1""#) == true)
        }
    }
}
