import ExportStageKit
import Foundation

/// Deterministic, realistic-looking records: mostly successes, some failures,
/// timeouts, API errors and interruptions, with names that make every format
/// escape something (quotes, commas, newlines, formula starts, non-ASCII).
///
/// The records depend only on their index, so reruns on any machine write
/// the same bytes and their timings can be compared.
enum SyntheticResults {
    /// The run id written into every record.
    static let runID = "20251129143031-bench000"
    /// Start of the synthetic run; a fixed date keeps the output stable.
    static let startedAt = Date(timeIntervalSince1970: 1_764_426_631.123)

    private static let projectIDs = ["0a1b2c3d4e5f60718293a4b5c6d7e8f9", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"]
    private static let regions: [String?] = ["cn-north-4", "cn-east-3", "ap-southeast-1", nil]
    // Plain names dominate, as in real use; the rest exercise each format's escaping.
    private static let nameTemplates = [
        "vul export #",
        "baseline check weekly #",
        "asset inventory, all hosts #",
        "intrusion events \"critical\" #",
        "=HYPERLINK(\"http://example.com\") #",
        "漏洞导出 第#批",
        "Ünïcødé host list #",
        "multi\nline name #",
        "back\\slash\\path #",
        "emoji 🚨 alerts #",
    ]
    private static let failures = [
        ExportResult.Failure(code: "HSS.1059", message: "export task not found", requestID: "req-"),
        ExportResult.Failure(code: "APIG.0301", message: "Incorrect IAM authentication information: \"token expired\"", requestID: "req-"),
        ExportResult.Failure(code: "APIG.0308", message: "The request is throttled, retry after 60s", requestID: "req-"),
        ExportResult.Failure(code: "503", message: "upstream unavailable, connection reset by peer", requestID: nil),
    ]

    /// The first `count` records.
    static func make(count: Int) -> [ExportResult] {
        (0..<count).map(record(at:))
    }

    /// The record at `index` (any non-negative index).
    static func record(at index: Int) -> ExportResult {
        var random = SplitMix64(seed: UInt64(index) &* 0x2545_F491_4F6C_DD1D &+ 1)
        let taskID = taskID(at: index, random: &random)
        let name = nameTemplates[index % nameTemplates.count].replacingOccurrences(of: "#", with: String(index))
        let polls = Int.random(in: 1...24, using: &random)
        let waitSeconds = Double(Int.random(in: 200...900_000, using: &random)) / 1000
        let firstPolledAt = startedAt.addingTimeInterval(Double(index % 600) / 10)
        var result = ExportResult(
            taskID: taskID, taskName: name, taskStatus: "success",
            fileID: "file-" + taskID, fileName: "export_\(index).zip",
            projectID: projectIDs[index % projectIDs.count], region: regions[index % regions.count],
            enterpriseProjectID: index % 3 == 0 ? nil : "0",
            outcome: .succeeded, polls: polls,
            firstPolledAt: firstPolledAt, finishedAt: firstPolledAt.addingTimeInterval(waitSeconds),
            waitSeconds: waitSeconds, runID: runID
        )
        // Roughly 85% succeeded, 6% failed, 4% error, 3% timed out, 2% interrupted.
        switch Int.random(in: 0..<100, using: &random) {
        case 85..<91:
            result.outcome = .failed
            result.taskStatus = "failure"
            result.fileID = nil
            result.fileName = nil
        case 91..<95:
            var failure = failures[index % failures.count]
            failure.requestID = failure.requestID.map { $0 + String(random.next() % 1_000_000) }
            result.outcome = .error
            result.error = failure
            result.taskName = nil
            result.taskStatus = nil
            result.fileID = nil
            result.fileName = nil
        case 95..<98:
            result.outcome = .timedOut
            result.taskStatus = "running"
            result.fileID = nil
            result.fileName = nil
        case 98..<100:
            result.outcome = .interrupted
            result.taskStatus = index % 2 == 0 ? "running" : nil
            result.fileID = nil
            result.fileName = nil
            result.finishedAt = nil
        default:
            break
        }
        return result
    }

    /// Mostly UUID-like ids as HSS issues them, plus numeric-looking ones
    /// that pipeline files keep as strings; unique per index.
    private static func taskID(at index: Int, random: inout SplitMix64) -> String {
        if index % 7 == 0 { return String(format: "0%08d", index) }
        let high = random.next()
        let low = random.next()
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let characters = Array(hex)
        // The index goes into the last group, so ids never repeat.
        return [
            String(characters[0..<8]), String(characters[8..<12]), String(characters[12..<16]),
            String(characters[16..<20]), String(format: "%012x", index),
        ].joined(separator: "-")
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
