import ExportPipeline
public import ExportStageKit
import Foundation
public import Logging
import Synchronization

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
    /// Whether ``build(_:)`` also checks what only matters for a real run,
    /// as `hss-export run` does: that the directory of every output path
    /// exists and is writable. `true` by default; set it to `false` to build
    /// as `hss-export validate` does, for options naming directories that
    /// exist only where the pipeline is deployed.
    public var isForRun = true

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
    ///   lines counted within `options`, and the stage initializer's own
    ///   error as ``StageHarnessError/stageError`` when it was the stage that
    ///   refused them.
    public func build(_ options: String = "") throws(StageHarnessError) -> Stage {
        let indented = options.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let document = Self.preamble + "  - type: \(Stage.typeName)\n" + indented + "\n"
        let loader = PipelineLoader(registry: StageRegistry([LoadedStage<Stage>.self]), environment: environment, isForRun: isForRun)
        let refusal = InitializerRefusal()
        let loaded = InitializerRefusal.$current.withValue(refusal) {
            Result { () throws(PipelineLoadError) in try loader.load(yaml: document, file: "options", baseDirectory: directory) }
        }
        let pipeline: Pipeline
        switch loaded {
        case .success(let loadedPipeline):
            pipeline = loadedPipeline
        case .failure(let error):
            let lines = Self.preamble.split(separator: "\n").count + 1
            throw StageHarnessError(
                diagnostics: error.diagnostics.map { diagnostic in
                    var relative = diagnostic
                    relative.line = max(diagnostic.line - lines, 1)
                    return relative.description
                },
                stageError: refusal.error
            )
        }
        guard let stage = (pipeline.stages.first?.stage as? LoadedStage<Stage>)?.stage else {
            preconditionFailure("the loader built a stage of another type")
        }
        return stage
    }

    /// Builds the stage from `options`, feeds it `results` in order, finishes
    /// it with `summary` (by default one matching the results), and returns
    /// the files in ``directory`` with what the stage published.
    ///
    /// - Parameters:
    ///   - context: the run context the stage receives; give one to publish
    ///     the artifacts of earlier stages first, or to see what was
    ///     published when the run throws. By default a fresh
    ///     ``SampleResults/context(runID:logger:)`` logging to `logger`.
    ///   - logger: the logger of the default context (ignored when `context`
    ///     is given); for example one with swift-log's `InMemoryLogHandler`
    ///     to check what the stage logs.
    @discardableResult
    public func run(
        _ options: String = "",
        results: [ExportResult] = SampleResults.all,
        summary: RunSummary? = nil,
        context: RunContext? = nil,
        logger: Logger = Logger(label: "stage-harness")
    ) async throws -> StageRun {
        let stage = try build(options)
        return try await run(stage, results: results, summary: summary, context: context, logger: logger)
    }

    /// Feeds `results` to an already built `stage` (from ``build(_:)``) and
    /// finishes it, as the `run` that takes options does; for looking at the
    /// stage, or changing the files around it, between building and running.
    @discardableResult
    public func run(
        _ stage: Stage,
        results: [ExportResult] = SampleResults.all,
        summary: RunSummary? = nil,
        context: RunContext? = nil,
        logger: Logger = Logger(label: "stage-harness")
    ) async throws -> StageRun {
        let context = context ?? SampleResults.context(logger: logger)
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
    /// The error the stage's own initializer threw (typically a
    /// `StageOptionError`, to check its `option`, `message` and `fix`), or
    /// `nil` when the loader refused the options before building the stage.
    public var stageError: (any Error)?

    /// One diagnostic per line.
    public var description: String {
        diagnostics.joined(separator: "\n")
    }
}

/// The stage under test as the harness registers it with the loader: it
/// builds `Wrapped` and, when `Wrapped` refuses its options, records the
/// error before the loader turns it into a diagnostic.
private struct LoadedStage<Wrapped: ExportStage>: ExportStage {
    static var typeName: String { Wrapped.typeName }
    static var summary: String { Wrapped.summary }
    static var options: [StageOption] { Wrapped.options }
    static var finishPhase: StageFinishPhase { Wrapped.finishPhase }

    let stage: Wrapped

    init(options: StageOptions, context: StageBuildContext) throws {
        do {
            stage = try Wrapped(options: options, context: context)
        } catch {
            InitializerRefusal.current?.record(error)
            throw error
        }
    }

    func receive(_ result: ExportResult, context: RunContext) async throws {
        try await stage.receive(result, context: context)
    }

    func finish(summary: RunSummary, context: RunContext) async throws {
        try await stage.finish(summary: summary, context: context)
    }
}

/// Where ``LoadedStage`` leaves its initializer's error for the
/// ``StageHarness/build(_:)`` call that is loading it (a task local, so
/// builds running in parallel do not see each other's).
private final class InitializerRefusal: Sendable {
    @TaskLocal static var current: InitializerRefusal?

    private let recorded = Mutex<(any Error)?>(nil)

    var error: (any Error)? { recorded.withLock { $0 } }

    func record(_ error: any Error) {
        recorded.withLock { $0 = error }
    }
}
