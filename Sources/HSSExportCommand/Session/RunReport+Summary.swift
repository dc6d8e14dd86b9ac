import ExportPipeline
import ExportStageKit
import Foundation

extension RunReport {
    /// The human-readable summary printed on stdout at the end of a run.
    var summaryText: String {
        var lines: [String] = []
        let counts = TaskOutcome.allCases.compactMap { outcome -> String? in
            let count = summary.count(of: outcome)
            return count > 0 ? "\(count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))" : nil
        }
        let duration = String(format: "%.2f", summary.durationSeconds)
        lines.append(
            "run \(summary.runID): \(summary.taskCount) task\(summary.taskCount == 1 ? "" : "s") in \(duration) s: "
                + (counts.isEmpty ? "nothing to do" : counts.joined(separator: ", ")))
        for result in results where result.outcome != .succeeded {
            var line = "  \(result.taskID): \(result.outcome.rawValue)"
            if let error = result.error { line += " (\(error.code): \(error.message))" }
            lines.append(line)
        }
        for artifact in artifacts {
            lines.append("  wrote \(artifact.path) (\(artifact.stage), \(artifact.bytes) bytes)")
        }
        for failure in stageFailures {
            lines.append("  \(failure)")
        }
        lines.append("exit \(exitCode.rawValue): \(exitCode.meaning)")
        return lines.joined(separator: "\n")
    }
}
