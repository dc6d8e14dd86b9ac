import ExportPipeline
import ExportStageKit
import Foundation

extension RunReport {
    /// The human-readable summary printed on stdout at the end of a run.
    var summaryText: String { summaryText(hasStages: true) }

    /// The summary; `hasStages` is `false` for `wait`, whose results go
    /// straight to stdout, so its last line speaks of tasks only.
    func summaryText(hasStages: Bool) -> String {
        var lines: [String] = []
        let duration = String(format: "%.2f", summary.durationSeconds)
        lines.append(
            "run \(summary.runID): \(summary.taskCount) task\(summary.taskCount == 1 ? "" : "s") in \(duration) s: "
                + Self.countsText(summary.outcomes))
        // A `sources:` run: one line per source, in file order.
        for (source, outcomes) in sourceOutcomes {
            let total = outcomes.values.reduce(0, +)
            lines.append("  source \(source): \(total) task\(total == 1 ? "" : "s"): " + Self.countsText(outcomes))
        }
        for result in results where result.outcome != .succeeded {
            let subject = result.source.map { "\($0)/" } ?? ""
            // An export whose create never answered has no task id yet: name the export.
            let name = result.taskID.isEmpty ? (result.exportName.map { "export \($0)" } ?? "(no task id)") : result.taskID
            var line = "  \(subject)\(name): \(result.outcome.rawValue)"
            if let error = result.error { line += " (\(error.code): \(error.message))" }
            lines.append(line)
        }
        for artifact in artifacts {
            lines.append("  wrote \(artifact.path) (\(artifact.stage), \(artifact.bytes) bytes)")
        }
        for failure in stageFailures {
            lines.append("  \(failure)")
        }
        lines.append("exit \(exitCode.rawValue): \(exitMeaning(hasStages: hasStages))")
        return lines.joined(separator: "\n")
    }

    /// What the exit code means for this run: ``RunExitCode/meaning``,
    /// without the stages for a run that has none of its own (`wait`).
    func exitMeaning(hasStages: Bool) -> String {
        guard !hasStages, exitCode == .success else { return exitCode.meaning }
        return summary.taskCount == 0 ? "nothing to wait for" : "all tasks succeeded"
    }

    /// Tasks by outcome for each source that records carry, in the order
    /// the records are (file order); empty for a `source:` run.
    var sourceOutcomes: [(source: String, outcomes: [TaskOutcome: Int])] {
        var totals: [(source: String, outcomes: [TaskOutcome: Int])] = []
        for result in results {
            guard let source = result.source else { continue }
            if let position = totals.firstIndex(where: { $0.source == source }) {
                totals[position].outcomes[result.outcome, default: 0] += 1
            } else {
                totals.append((source, [result.outcome: 1]))
            }
        }
        return totals
    }

    /// `2 succeeded, 1 timed out`, or `nothing to do`.
    static func countsText(_ outcomes: [TaskOutcome: Int]) -> String {
        let counts = TaskOutcome.allCases.compactMap { outcome -> String? in
            let count = outcomes[outcome] ?? 0
            return count > 0 ? "\(count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))" : nil
        }
        return counts.isEmpty ? "nothing to do" : counts.joined(separator: ", ")
    }
}
