public import ExportStageKit
public import Foundation
public import Logging

/// Records for stage tests, with values that stress every output format:
/// a succeeded task, an errored one, and one whose name needs escaping in
/// every format (quotes, a newline, a backslash, a spreadsheet formula, CJK).
public enum SampleResults {
    /// A fixed point in time, so golden outputs are stable.
    public static let referenceDate = Date(timeIntervalSince1970: 1_764_426_631.123)  // 2025-11-29T14:30:31.123Z

    /// A succeeded task with every field set.
    public static func succeeded(id: String = "task-1", name: String = "vul export", runID: String = "run-1") -> ExportResult {
        ExportResult(
            taskID: id, taskName: name, taskStatus: "success", fileID: "file-\(id)", fileName: "\(id).zip",
            projectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", region: "cn-north-4", enterpriseProjectID: "0",
            outcome: .succeeded, error: nil, polls: 3,
            firstPolledAt: referenceDate, finishedAt: referenceDate.addingTimeInterval(2.5), waitSeconds: 2.5, runID: runID
        )
    }

    /// A task that ended in `error` with an API failure.
    public static func errored(id: String = "task-2", runID: String = "run-1") -> ExportResult {
        ExportResult(
            taskID: id, taskName: nil, taskStatus: nil, fileID: nil, fileName: nil,
            projectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", region: "cn-north-4", enterpriseProjectID: nil,
            outcome: .error, error: .init(code: "HSS.1059", message: "export task \"\(id)\" not found", requestID: "req-42"),
            polls: 1, firstPolledAt: referenceDate, finishedAt: referenceDate.addingTimeInterval(0.2), waitSeconds: 0.2, runID: runID
        )
    }

    /// A task whose name holds characters every format must escape.
    public static func tricky(id: String = "task-3", runID: String = "run-1") -> ExportResult {
        var result = succeeded(id: id, name: "=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞", runID: runID)
        result.outcome = .failed
        result.taskStatus = "failure"
        return result
    }

    /// The three samples: succeeded, errored and tricky.
    public static var all: [ExportResult] { [succeeded(), errored(), tricky()] }

    /// A summary matching `results`.
    public static func summary(of results: [ExportResult], runID: String = "run-1") -> RunSummary {
        RunSummary(runID: runID, startedAt: referenceDate, finishedAt: referenceDate.addingTimeInterval(3), results: results)
    }

    /// A run context for stage tests.
    public static func context(runID: String = "run-1", logger: Logger = Logger(label: "test")) -> RunContext {
        RunContext(
            runID: runID, startedAt: referenceDate, pipelineFile: "/tmp/test.pipeline.yaml",
            pipelineSHA256: String(repeating: "0", count: 64), toolVersion: "0.0.0-test",
            logger: logger
        )
    }
}
