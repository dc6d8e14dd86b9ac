public import ExportStageKit

/// Writes every task's result as one JSON object per line (JSON Lines).
///
/// Each line is the record's compact JSON with its fields in the documented
/// order (``ExportResult/fieldNames``), UTF-8, ended by `\n`:
///
/// ```
/// {"task_id":"task-1","task_name":"vul export","task_status":"success",...,"run_id":"run-1"}
/// ```
///
/// In `overwrite` mode the lines stream into a temp file beside the output,
/// which the run's commit renames over it, so a run that dies early leaves the
/// old file as it was. In `append` mode the lines are kept until the commit,
/// which adds them to the file in one write; a last line left incomplete by an
/// earlier crash is first moved to `NAME.torn-TIMESTAMP` beside the file.
public actor JSONLinesStage: ExportStage {
    /// `jsonl`.
    public static let typeName = "jsonl"

    /// One line for `hss-export stages`.
    public static let summary = "Writes one JSON object per task to a JSON Lines file."

    /// `path` and `mode`.
    public static let options: [StageOption] = [
        StageOption(
            "path", .outputPath, required: true,
            help: "The JSON Lines file to write; a relative path is resolved against the pipeline file's directory."
        ),
        OutputMode.option(
            help: "overwrite replaces the file atomically at the end of the run; append adds this run's lines to its end."
        ),
    ]

    /// Bytes kept in memory before they go to the temp file: large enough to
    /// make the write calls few, small enough not to matter.
    private static let flushThreshold = 64 * 1024

    /// The absolute path of the output file.
    public nonisolated let path: String
    private let mode: OutputMode
    /// Opened at the first result, so an unwritable directory fails the stage
    /// early instead of at the end of a long wait.
    private var writer: AtomicFileWriter?
    private var pending = EncodingBuffer()
    private var isFinished = false

    /// Builds the stage from its `path` and `mode` options.
    public init(options: StageOptions, context: StageBuildContext) throws {
        guard let path = options.string("path") else {
            throw StageOptionError(option: "path", message: "is required", fix: "set path to the .jsonl file to write")
        }
        self.path = path
        mode = try OutputMode(option: options.string("mode"))
    }

    /// Adds the record's line to the output.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        precondition(!isFinished, "receive after finish")
        // The bytes of `result.jsonLine`, encoded straight into the buffer.
        result.appendJSONLine(to: &pending)
        if mode == .overwrite {
            if writer == nil { writer = try AtomicFileWriter(destination: path) }
            if pending.count >= Self.flushThreshold { try flush() }
        }
    }

    /// Prepares the file (an empty one when there were no results) for the
    /// run's commit and publishes it as an artifact.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        switch mode {
        case .overwrite:
            let writer = try self.writer ?? AtomicFileWriter(destination: path)
            self.writer = writer
            try flush()
            try context.prepare(writer, stage: Self.typeName)
        case .append:
            try context.prepareAppend(pending.bytes, to: path, stage: Self.typeName)
        }
        pending = EncodingBuffer()
        writer = nil
    }

    private func flush() throws {
        guard let writer, !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try writer.write($0) }
        pending.removeAll()
    }
}
