public import ExportStageKit
import Foundation

/// The layout of a run report; ``render(results:summary:context:)`` turns a
/// run into Markdown (GitHub-flavoured tables).
///
/// The text depends only on its inputs (no clock, no locale), so the same
/// run gives the same bytes:
///
/// ```markdown
/// # HSS export run
///
/// Run 20250101T020000-1a2b3c4d of nightly.pipeline.yaml, hss-export 0.1.0.
///
/// ## Tasks
///
/// | Task | Name | Outcome | Polls | Wait (s) | Error |
/// | --- | --- | --- | ---: | ---: | --- |
/// | export-vul-0001 | Vulnerability export | succeeded | 4 | 61.250 |  |
/// ```
public struct MarkdownReport: Sendable, Equatable {
    /// The level-1 heading.
    public var title: String
    /// Whether the task table leaves out the tasks that succeeded.
    public var onlyProblems: Bool

    /// Creates a layout.
    public init(title: String = MarkdownReportStage.defaultTitle, onlyProblems: Bool = false) {
        self.title = title
        self.onlyProblems = onlyProblems
    }

    /// The column headings of the task table.
    public static let columns = ["Task", "Name", "Outcome", "Polls", "Wait (s)", "Error"]

    /// The report of a run whose `results` are in pipeline-file order.
    public func render(results: [ExportResult], summary: RunSummary, context: RunContext) -> String {
        var lines: [String] = []
        lines.append("# " + MarkdownText.escape(title))
        lines.append("")
        lines.append(
            "Run \(MarkdownText.escape(summary.runID)) of \(MarkdownText.escape(context.pipelineFile)), "
                + "hss-export \(MarkdownText.escape(context.toolVersion))."
        )
        lines.append("")
        lines += taskSection(results)
        lines.append("")
        lines += summarySection(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    private func taskSection(_ results: [ExportResult]) -> [String] {
        let listed = onlyProblems ? results.filter { $0.outcome != .succeeded } : results
        var lines = [onlyProblems ? "## Tasks that did not succeed" : "## Tasks", ""]
        if listed.isEmpty {
            lines.append(results.isEmpty ? "No tasks." : "All \(Self.tasks(results.count)) succeeded.")
            return lines
        }
        lines.append(Self.row(Self.columns))
        lines.append("| --- | --- | --- | ---: | ---: | --- |")
        for result in listed {
            lines.append(
                Self.row([
                    MarkdownText.escape(result.taskID),
                    MarkdownText.escape(result.taskName ?? ""),
                    result.outcome.rawValue,
                    String(result.polls),
                    Self.seconds(result.waitSeconds),
                    MarkdownText.escape(result.error.map { "\($0.code): \($0.message)" } ?? ""),
                ]))
        }
        return lines
    }

    private func summarySection(_ summary: RunSummary) -> [String] {
        var lines = ["## Summary", "", "| Outcome | Tasks |", "| --- | ---: |"]
        // Every outcome, zeros included, so reports of different runs line up.
        for outcome in TaskOutcome.allCases {
            lines.append(Self.row([outcome.rawValue, String(summary.count(of: outcome))]))
        }
        lines.append(Self.row(["total", String(summary.taskCount)]))
        lines.append("")
        lines.append("- Started: \(RFC3339.format(summary.startedAt))")
        lines.append("- Finished: \(RFC3339.format(summary.finishedAt))")
        lines.append("- Duration: \(Self.seconds(summary.durationSeconds)) s")
        lines.append("- Interrupted: \(summary.interrupted ? "yes, unfinished tasks are marked interrupted" : "no")")
        return lines
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    /// Milliseconds, fixed-point, independent of the locale.
    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f", locale: Locale(identifier: "en_US_POSIX"), value)
    }

    private static func tasks(_ count: Int) -> String {
        count == 1 ? "1 task" : "\(count) tasks"
    }
}
