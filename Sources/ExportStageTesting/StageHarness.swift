import ExportPipeline
public import ExportStageKit
public import Foundation
public import Logging

/// Builds a stage from YAML options exactly as a pipeline file would (the
/// real loader checks them), feeds it results, finishes it in a temporary
/// directory and hands back the files it left there.
///
/// ```swift
/// let harness = try StageHarness(MarkdownReportStage.self)
/// defer { harness.removeDirectory() }
/// let run = try await harness.run("path: report.md", results: SampleResults.all)
/// #expect(run.text("report.md")?.contains("task-1") == true)
/// ```
///
/// Relative paths in the options resolve against ``directory``, as they do
/// against a pipeline file's directory.
public struct StageHarness<Stage: ExportStage>: Sendable {
    /// The temporary directory the stage runs in.
    public let directory: String
    /// The environment `${VAR}` in the options reads.
    public var environment: [String: String]

    /// A harness for `stage` in a fresh temporary directory (or in `directory`).
    public init(_ stage: Stage.Type, directory: String? = nil, environment: [String: String] = [:]) throws {
        if let directory {
            self.directory = directory
        } else {
            let base = FileManager.default.temporaryDirectory.path
            self.directory = base + "/stage-harness-" + UUID().uuidString.prefix(8).lowercased()
            try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        }
        self.environment = environment
    }

    /// The absolute path of `name` inside ``directory``.
    public func path(_ name: String) -> String { directory + "/" + name }

    /// Deletes ``directory`` and everything in it.
    public func removeDirectory() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Builds the stage from `options`, the YAML of its entry in `stages`
    /// without `type` (for example `"path: out.jsonl\nmode: append"`).
    ///
    /// - Throws: ``StageHarnessError`` with the loader's diagnostics, their
    ///   lines counted within `options`.
    public func build(_ options: String = "") throws(StageHarnessError) -> Stage {
        let indented = options.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let document = Self.preamble + "  - type: \(Stage.typeName)\n" + indented + "\n"
        let loader = PipelineLoader(registry: StageRegistry([Stage.self]), environment: environment, isForRun: true)
        let pipeline: Pipeline
        do {
            pipeline = try loader.load(yaml: document, file: "options", baseDirectory: directory)
        } catch {
            let lines = Self.preamble.split(separator: "\n").count + 1
            throw StageHarnessError(diagnostics: error.diagnostics.map { diagnostic in
                var relative = diagnostic
                relative.line = max(diagnostic.line - lines, 1)
                return relative.description
            })
        }
        guard let stage = pipeline.stages.first?.stage as? Stage else {
            preconditionFailure("the loader built a stage of another type")
        }
        return stage
    }

    /// Builds the stage from `options`, feeds it `results` in order, finishes
    /// it with `summary` (by default one matching the results), and returns
    /// the files in ``directory`` with what the stage published.
    public func run(
        _ options: String = "",
        results: [ExportResult] = SampleResults.all,
        summary: RunSummary? = nil,
        logger: Logger = Logger(label: "stage-harness")
    ) async throws -> StageRun {
        let stage = try build(options)
        return try await run(stage, results: results, summary: summary, logger: logger)
    }

    /// Feeds `results` to an already built `stage` and finishes it.
    public func run(
        _ stage: Stage,
        results: [ExportResult] = SampleResults.all,
        summary: RunSummary? = nil,
        logger: Logger = Logger(label: "stage-harness")
    ) async throws -> StageRun {
        let context = SampleResults.context(logger: logger)
        for result in results { try await stage.receive(result, context: context) }
        try await stage.finish(summary: summary ?? SampleResults.summary(of: results), context: context)
        return StageRun(files: try files(), artifacts: context.artifacts)
    }

    /// Every regular file in ``directory`` (hidden ones too), by name.
    public func files() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path(name), isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[name] = FileManager.default.contents(atPath: path(name)).map { [UInt8]($0) } ?? []
        }
        return files
    }

    private static var preamble: String {
        """
        version: 1
        source: {endpoint: "http://127.0.0.1:1", project_id: stage-harness}
        tasks: [stage-harness-task]
        stages:

        """
    }
}

/// What a stage left behind after a ``StageHarness`` run.
public struct StageRun: Sendable {
    /// The files in the harness's directory, by name.
    public var files: [String: [UInt8]]
    /// What the stage published into the run context.
    public var artifacts: [Artifact]

    /// The file `name` as UTF-8 text, or `nil` when there is none.
    public func text(_ name: String) -> String? {
        files[name].map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The options given to a ``StageHarness`` are not valid for the stage.
public struct StageHarnessError: Error, CustomStringConvertible, Sendable {
    /// The loader's diagnostics (`options:LINE:COLUMN: error: message; fix`),
    /// their lines counted within the options text.
    public var diagnostics: [String]

    /// One diagnostic per line.
    public var description: String {
        diagnostics.joined(separator: "\n")
    }
}
