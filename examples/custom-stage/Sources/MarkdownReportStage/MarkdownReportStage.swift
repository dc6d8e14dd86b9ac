// Public: the stage's public API names ExportStage, ExportResult, RunContext, ...
public import ExportStageKit
import Foundation

/// Writes a Markdown report of the run: a table of the tasks (id, name,
/// outcome, polls, wait seconds, error) and a summary of the outcomes, for a
/// wiki page, a ticket or a CI job summary.
///
/// ```yaml
/// stages:
///   - type: markdown-report
///     path: report.md
///     title: Nightly HSS exports
///     only_problems: false
/// ```
///
/// The report is rendered in ``finish(summary:context:)`` and replaced
/// atomically with ``AtomicFileWriter``, so readers see the previous report or
/// the new one, never half of one; it is then published as an ``Artifact`` so
/// a later `gzip-manifest` stage lists it with its size and SHA-256.
public actor MarkdownReportStage: ExportStage {
    /// `markdown-report`.
    public static let typeName = "markdown-report"

    /// One line for `hss-export stages`.
    public static let summary = "Writes a Markdown report of the run: a table of tasks and a summary of outcomes."

    /// `path` (required), `title` (`HSS export run`) and `only_problems` (`false`).
    public static let options: [StageOption] = [
        StageOption(
            "path", .outputPath, required: true,
            help:
                "The Markdown file to write (.md or .markdown), replaced atomically; a relative path is resolved against the pipeline file's directory."
        ),
        StageOption("title", .string, default: .string(defaultTitle), help: "The report's heading, one line."),
        StageOption(
            "only_problems", .bool, default: .bool(false),
            help: "List only the tasks that did not succeed in the table; the summary still counts every task."
        ),
    ]

    /// The heading used when the pipeline file sets no `title`.
    public static let defaultTitle = "HSS export run"

    /// The absolute path of the report.
    public nonisolated let path: String
    /// How the report is laid out.
    public nonisolated let report: MarkdownReport
    /// The results so far, in pipeline-file order.
    private var results: [ExportResult] = []

    /// Builds the stage from its options; rejects a path that is not a
    /// Markdown file and a title that is blank or spans lines.
    public init(options: StageOptions, context: StageBuildContext) throws {
        guard let path = options.string("path") else {
            throw StageOptionError(option: "path", message: "is required", fix: "set path to the .md file to write")
        }
        guard path.hasSuffix(".md") || path.hasSuffix(".markdown") else {
            throw StageOptionError(
                option: "path", message: "'\(FilePath.lastComponent(of: path))' is not a Markdown file name",
                fix: "end the path in .md or .markdown"
            )
        }
        let title = options.string("title") ?? Self.defaultTitle
        if title.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StageOptionError(
                option: "title", message: "is blank", fix: "give the report a heading, or remove 'title' for '\(Self.defaultTitle)'")
        }
        if title.contains(where: \.isNewline) {
            throw StageOptionError(option: "title", message: "spans several lines", fix: "write the heading on one line")
        }
        self.path = path
        self.report = MarkdownReport(title: title, onlyProblems: options.bool("only_problems") ?? false)
    }

    /// Keeps the result for the report's table.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        results.append(result)
    }

    /// Renders the report and hands it to the run's two-phase commit, which
    /// renames it into place with the other outputs; publishes it.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        let text = report.render(results: results, summary: summary, context: context)
        let writer = try AtomicFileWriter(destination: path)
        try writer.write(text)
        try context.prepare(writer, stage: Self.typeName)
    }
}
