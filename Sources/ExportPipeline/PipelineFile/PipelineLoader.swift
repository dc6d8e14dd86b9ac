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

    /// Loads the file at `path`; relative paths inside resolve against its directory.
    public func load(contentsOf path: String) throws(PipelineLoadError) -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the pipeline file (permission?)" : "no such pipeline file"
            throw PipelineLoadError(diagnostics: [PipelineDiagnostic(file: path, line: 0, column: 0, message: reason, fix: "check the path")])
        }
        if let offset = TextPosition.firstInvalidUTF8(in: data) {
            let position = TextPosition(byteOffset: offset, in: data)
            throw PipelineLoadError(diagnostics: [
                PipelineDiagnostic(
                    file: path, line: position.line, column: position.column,
                    message: String(format: "the file is not UTF-8 text: byte 0x%02X at offset %d", data[data.startIndex + offset], offset),
                    fix: "save it as UTF-8")
            ])
        }
        let text = String(decoding: data, as: UTF8.self)
        let absolute = FilePath.resolve(path, against: FileManager.default.currentDirectoryPath)
        return try load(yaml: text, file: path, baseDirectory: FilePath.directory(of: absolute))
    }

    /// Loads a pipeline from text; `file` labels diagnostics and `baseDirectory`
    /// anchors relative paths.
    public func load(yaml text: String, file: String, baseDirectory: String) throws(PipelineLoadError) -> Pipeline {
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
            throw PipelineLoadError(diagnostics: [reader.diagnostic(for: error)])
        } catch {
            throw PipelineLoadError(diagnostics: [PipelineDiagnostic(file: file, line: 1, column: 1, message: "cannot parse YAML: \(error)")])
        }
        guard let root else {
            throw PipelineLoadError(diagnostics: [
                PipelineDiagnostic(
                    file: file, line: 1, column: 1, message: "the pipeline file is empty",
                    fix: "see docs/pipeline-file.md for the sections version, source, tasks, wait and stages")
            ])
        }
        let pipeline = reader.readPipeline(root, sha256: sha256)
        guard reader.diagnostics.isEmpty, var pipeline else {
            throw PipelineLoadError(diagnostics: reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        // Shards of one pipeline on one host would otherwise share one lock and journal.
        pipeline.state.folderSuffix = shard.stateFolderSuffix
        return pipeline
    }
}
