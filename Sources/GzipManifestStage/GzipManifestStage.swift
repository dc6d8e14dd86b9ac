public import ExportStageKit

/// Writes the run's archive manifest: one JSON document, gzip-compressed.
///
/// The document lists the run (id, pipeline file and its SHA-256, tool
/// version, times), the run summary, every task's result in pipeline-file
/// order, the files published by the stages before this one, each with
/// its size and SHA-256, and every downloaded archive (``ManifestArchive``)
/// with its entries:
///
/// ```json
/// {"manifest_version":2,"run_id":"…","pipeline":{"path":"…","sha256":"…"},
///  "tool_version":"…","started_at":"…","finished_at":"…","summary":{…},
///  "results":[{…},…],"artifacts":[{"stage":"jsonl","path":"…","bytes":123,"sha256":"…"},…],
///  "archives":[{"task_id":"…","export":"…","path":"…","bytes":5120,"sha256":"…","extracted_to":null,"entries":[…]},…]}
/// ```
///
/// (one line, no whitespace; keys always in this order). `started_at` is when
/// the run started, `finished_at` when its last task finished, so the
/// document depends only on the run, not on when the manifest was written.
/// A stage that writes standard output (`path: -`) has no file and
/// publishes no artifact, so it is not among `artifacts`, and
/// `hss-export verify` looks for no file of it.
///
/// Results are kept in memory until ``finish(summary:context:)`` (a record is
/// a few hundred bytes, plus its archive's entries); the compressed file is streamed to disk through a
/// ``GzipWriter`` and replaced atomically.
///
/// ```yaml
/// stages:
///   - type: jsonl
///     path: results.jsonl
///   - type: gzip-manifest
///     path: manifest.json.gz
///     level: 9
///     reproducible: true
/// ```
public actor GzipManifestStage: ExportStage {
    /// `gzip-manifest`.
    public static let typeName = "gzip-manifest"
    /// One line for `hss-export stages`.
    public static let summary =
        "Writes a gzip-compressed JSON manifest of the run: summary, results, the files of earlier stages and the downloaded archives, with SHA-256."
    /// `path` (required), `level` (0...9, default 6), `reproducible` (default false).
    public static let options: [StageOption] = [
        StageOption("path", .outputPath, required: true, help: "Where to write the manifest, e.g. manifest.json.gz; replaced atomically."),
        StageOption(
            "level", .integer(GzipWriter.levels), default: .integer(GzipWriter.defaultLevel),
            help: "zlib compression level: 0 stores, 1 is fastest, 9 is smallest."),
        StageOption(
            "reproducible", .bool, default: .bool(false),
            help: "Leave the time stamp and file name out of the gzip header, so the same run gives the same bytes."),
    ]
    /// The `manifest_version` this stage writes.
    ///
    /// 1: the run, `results` and `artifacts`. 2 adds `archives` at the end and
    /// changes nothing else, so a reader of version 1 reads version 2 by
    /// ignoring the new key; ``ManifestDocument`` reads both.
    public static let manifestVersion = 2

    /// The manifest's absolute path.
    public nonisolated let path: String
    /// The compression level.
    public nonisolated let level: Int
    /// Whether the gzip header omits MTIME and FNAME.
    public nonisolated let reproducible: Bool
    private var results: [ExportResult] = []

    /// Builds the stage from its options.
    public init(options: StageOptions, context: StageBuildContext) throws {
        // `-` is refused here (verify reads the manifest from a file), and so is an existing path that is not a regular file.
        guard case .file(let path)? = try options.outputTarget("path", for: Self.self) else {
            throw StageOptionError(option: "path", message: "is required", fix: "set it to the manifest's file, e.g. 'path: manifest.json.gz'")
        }
        // The loader enforces the declared range; this catches stages built
        // directly from code, where zlib would otherwise fail only at finish.
        let level = options.integer("level") ?? GzipWriter.defaultLevel
        guard GzipWriter.levels.contains(level) else {
            throw StageOptionError(
                option: "level", message: "\(level) is outside \(GzipWriter.levels.lowerBound)...\(GzipWriter.levels.upperBound)",
                fix: "use 0 (store only) to 9 (smallest output); the default is \(GzipWriter.defaultLevel)"
            )
        }
        self.path = path
        self.level = level
        self.reproducible = options.bool("reproducible") ?? false
    }

    /// Keeps `result` for the manifest.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        results.append(result)
    }

    /// Writes the manifest and prepares it to be committed after every other
    /// output of the run, then publishes it as an artifact.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        // Stages finish in file order, so this lists exactly the stages before us.
        let artifacts = context.artifacts
        let file = try AtomicFileWriter(destination: path)
        do {
            let gzip = try GzipWriter(level: level, header: gzipHeader, writingTo: file)
            try Self.writeManifest(results: results, artifacts: artifacts, summary: summary, context: context, to: gzip)
            try gzip.finish()
        } catch {
            file.discard()
            throw error
        }
        try context.prepare(file, stage: Self.typeName, commitsLast: true)
    }

    /// MTIME and FNAME for this run: none when reproducible, else now and the
    /// file name without `.gz` (what `gzip` itself records).
    nonisolated var gzipHeader: GzipWriter.Header {
        guard !reproducible else { return .reproducible }
        var name = FilePath.lastComponent(of: path)
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return .now(fileName: name)
    }
}
