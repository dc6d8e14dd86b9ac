import Crypto
public import ExportStageKit
public import Foundation
import Yams

/// Reads and validates pipeline files.
///
/// Validation is strict and exhaustive: unknown keys, wrong types, bad
/// durations, unknown stage types and missing variables are all reported at
/// once, each with file:line:column and a fix. Nothing is written and no
/// request is made by loading.
public struct PipelineLoader: Sendable {
    /// The stage types a file may use.
    public var registry: StageRegistry
    /// The variables `${VAR}` reads.
    public var environment: [String: String]
    /// Also check what only matters for a real run: output directories exist,
    /// `tasks: {stdin: true}` is read, and variables in `auth` are set.
    public var isForRun: Bool
    /// Reads standard input for `tasks: {stdin: true}`.
    public var readStandardInput: @Sendable () -> String?
    /// The shard the pipeline is loaded for: it sets `${SHARD}` and
    /// `${SHARDS}`, and in a sharded run (more than one shard) gives every
    /// stage output path without `${SHARD}` a `.shard-INDEX` suffix, the
    /// state folder a `-shard-INDEX` one, and the stages the shard
    /// (``StageBuildContext``). Choosing the shard's sources is
    /// ``Pipeline/shard(_:)``'s, so `merge` can load every shard's paths
    /// with the full source list.
    public var shard: ShardAssignment
    /// Set by `merge` to the shard count: the paths are the merged outputs'
    /// (no `.shard-INDEX` suffix), with `${SHARD}` = `all` and `${SHARDS}` the
    /// count, so a path that uses `${SHARD}` does not name shard 0's file.
    public var mergedShardCount: Int?
    /// `validate --no-environment`: a `${VAR}` the environment does not set
    /// is not an error; the value keeps `${VAR}` and the checks that depend
    /// on it (its type, its syntax) are skipped. Never for a run.
    public var allowsUnsetVariables = false

    /// The largest pipeline file read (64 MiB): a mistaken path to a device
    /// or an endless pipe costs bounded memory.
    public static let maximumFileBytes = 64 << 20

    /// What diagnostics call a pipeline file read from standard input (`-`).
    public static let standardInputName = "<stdin>"

    /// Creates a loader.
    ///
    /// - Parameters:
    ///   - registry: the stage types a file may use.
    ///   - environment: the variables for `${VAR}`; defaults to the process environment.
    ///   - isForRun: `false` for `validate` (no secrets needed, no stdin read),
    ///     `true` for `run`.
    ///   - readStandardInput: reads the task list for `tasks: {stdin: true}`.
    ///   - shard: the shard the paths are for; default unsharded (`${SHARD}` 0, `${SHARDS}` 1).
    public init(
        registry: StageRegistry,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isForRun: Bool = false,
        readStandardInput: @escaping @Sendable () -> String? = PipelineLoader.readBoundedStandardInput,
        shard: ShardAssignment = .unsharded
    ) {
        self.shard = shard
        self.registry = registry
        self.environment = environment
        self.isForRun = isForRun
        self.readStandardInput = readStandardInput
    }

    /// Standard input up to one byte past the task list's size limit, so an
    /// endless stream costs bounded memory and still gets the size error.
    @Sendable public static func readBoundedStandardInput() -> String? {
        let data = (try? FileHandle.standardInput.read(upToCount: TaskListReader.maximumBytes + 1)) ?? nil
        return String(data: data ?? Data(), encoding: .utf8)
    }

    /// Loads the file at `path` (`-` for standard input); relative paths
    /// inside resolve against its directory (the working directory for `-`).
    public func load(contentsOf path: String) throws(PipelineLoadError) -> Pipeline {
        try Self.pipeline(of: check(contentsOf: path))
    }

    /// Loads a pipeline from text; `file` labels diagnostics and `baseDirectory`
    /// anchors relative paths.
    public func load(yaml text: String, file: String, baseDirectory: String) throws(PipelineLoadError) -> Pipeline {
        try Self.pipeline(of: check(yaml: text, file: file, baseDirectory: baseDirectory))
    }

    /// The pipeline of `check`, or its errors (and warnings) thrown.
    private static func pipeline(of check: PipelineCheck) throws(PipelineLoadError) -> Pipeline {
        guard check.errors.isEmpty, let pipeline = check.pipeline else {
            throw PipelineLoadError(diagnostics: check.errors, warnings: check.warnings)
        }
        return pipeline
    }

    /// Checks the file at `path` (`-` for standard input) without throwing:
    /// what `validate` shows, errors and warnings alike.
    public func check(contentsOf path: String) -> PipelineCheck {
        let isStandardInput = path == "-"
        let file = isStandardInput ? Self.standardInputName : path
        let data: Data
        switch Self.readFile(path) {
        case .success(let read): data = read
        case .failure(let problem):
            return PipelineCheck(
                pipeline: nil, errors: [PipelineDiagnostic(file: file, line: 0, column: 0, message: problem.message, fix: problem.fix)])
        }
        if let offset = TextPosition.firstInvalidUTF8(in: data) {
            let position = TextPosition(byteOffset: offset, in: data)
            return PipelineCheck(
                pipeline: nil,
                errors: [
                    PipelineDiagnostic(
                        file: file, line: position.line, column: position.column,
                        message: String(format: "the file is not UTF-8 text: byte 0x%02X at offset %d", data[data.startIndex + offset], offset),
                        fix: "save it as UTF-8")
                ])
        }
        let text = String(decoding: data, as: UTF8.self)
        let directory = FileManager.default.currentDirectoryPath
        let absolute = FilePath.resolve(path, against: directory)
        var loader = self
        if isStandardInput {
            // Standard input held the pipeline file: it has no task list left to give.
            loader.readStandardInput = { nil }
        }
        return loader.check(
            yaml: text, file: file, baseDirectory: isStandardInput ? directory : FilePath.directory(of: absolute),
            pipelineFromStandardInput: isStandardInput)
    }

    /// Checks a pipeline's text without throwing; `file` labels diagnostics
    /// and `baseDirectory` anchors relative paths.
    public func check(yaml text: String, file: String, baseDirectory: String) -> PipelineCheck {
        check(yaml: text, file: file, baseDirectory: baseDirectory, pipelineFromStandardInput: false)
    }

    private func check(yaml text: String, file: String, baseDirectory: String, pipelineFromStandardInput: Bool) -> PipelineCheck {
        let sha256 = FileDigest(of: Array(text.utf8)).sha256
        // The shard's variables win over the environment's: a path's `${SHARD}`
        // must be the shard that writes it, whatever the pod happens to export.
        var effective = self
        let variables = mergedShardCount.map { ["SHARD": "all", "SHARDS": String($0)] } ?? shard.variables
        effective.environment.merge(variables) { _, shardValue in shardValue }
        var reader = PipelineReader(loader: effective, file: file, baseDirectory: baseDirectory)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return PipelineCheck(pipeline: nil, errors: [Self.withBareDashHint(reader.diagnostic(for: error), text: text)])
        } catch {
            return PipelineCheck(pipeline: nil, errors: [PipelineDiagnostic(file: file, line: 1, column: 1, message: "cannot parse YAML: \(error)")])
        }
        guard let root else {
            return PipelineCheck(
                pipeline: nil,
                errors: [
                    PipelineDiagnostic(
                        file: file, line: 1, column: 1, message: "the pipeline file is empty",
                        fix: "see docs/pipeline-file.md for the sections version, source, tasks, wait and stages")
                ])
        }
        var scan = InterpolationScan(file: file, environment: effective.environment)
        scan.scan(root)
        let pipeline = reader.readPipeline(root, sha256: sha256)
        var errors = reader.diagnostics.filter { $0.severity == .error }
        let warnings = (scan.warnings + reader.diagnostics.filter { $0.severity == .warning }).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        if pipelineFromStandardInput, let stdinNode = Self.standardInputTaskNode(in: root) {
            errors.append(
                PipelineDiagnostic(
                    file: file, line: stdinNode.mark?.line ?? 0, column: stdinNode.mark?.column ?? 0,
                    message: "the pipeline file was read from standard input, so 'tasks: {stdin: true}' has no task list to read",
                    fix: "give the pipeline file's path instead of '-', or list the tasks in the file or in 'tasks: {file: PATH}'"))
        }
        let unsetLocations = scan.unset.map(\.location)
        if allowsUnsetVariables {
            // A problem at a value that holds an unset variable is about the
            // placeholder, not the value the run will see.
            errors.removeAll { error in unsetLocations.contains { $0.line == error.line && $0.column == error.column } }
        }
        errors.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        var names: [String] = []
        for name in scan.unset.flatMap(\.names) where !names.contains(name) { names.append(name) }
        guard errors.isEmpty, var pipeline else {
            return PipelineCheck(pipeline: nil, errors: errors, warnings: warnings, unsetVariables: names, unsetLocations: unsetLocations)
        }
        // Shards of one pipeline on one host would otherwise share one lock and journal.
        pipeline.state.folderSuffix = shard.stateFolderSuffix
        pipeline.warnings = warnings
        return PipelineCheck(pipeline: pipeline, errors: [], warnings: warnings, unsetVariables: names, unsetLocations: unsetLocations)
    }

    /// `path: -` is what a user writes for stdout, but YAML reads a bare `-`
    /// there as the start of a list and fails with a message about sequences;
    /// say that quoting it is the fix.
    static func withBareDashHint(_ diagnostic: PipelineDiagnostic, text: String) -> PipelineDiagnostic {
        // YAML also breaks lines at a bare CR, so split as it counts; and a
        // mark can lie past the last line, so the window is clamped to the text.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let end = min(max(diagnostic.line + 1, 0), lines.count)
        let nearby = min(max(diagnostic.line - 3, 0), end)..<end
        let bareDash = nearby.contains { index in
            lines[index].contains(/path:\s*-\s*($|#|,|\})/)
        }
        guard bareDash else { return diagnostic }
        var hinted = diagnostic
        hinted.fix = "to write a stage to stdout, quote the dash: path: \"-\" (a bare - starts a YAML list)"
        return hinted
    }
}
