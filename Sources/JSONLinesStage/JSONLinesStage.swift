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
///
/// `path: -` writes the lines to standard output instead, all of them at the
/// run's commit (they are kept in memory until then), so stdout carries
/// complete JSON Lines or nothing; `mode: append` cannot go with it. An
/// existing `path` that is not a regular file (a directory, a device, a FIFO,
/// a symbolic link) is refused when the stage is built, and again at the
/// commit (``ReplaceableOutput``).
public actor JSONLinesStage: StandardOutputCapableStage {
    /// `jsonl`.
    public static let typeName = "jsonl"

    /// One line for `hss-export stages`.
    public static let summary = "Writes one JSON object per task to a JSON Lines file."

    /// `path` and `mode`.
    public static let options: [StageOption] = [
        StageOption(
            "path", .outputPath, required: true,
            help:
                "The JSON Lines file to write (a regular file, or - for standard output); a relative path is resolved against the pipeline file's directory."
        ),
        OutputMode.option(
            help: "overwrite replaces the file atomically at the end of the run; append adds this run's lines to its end."
        ),
    ]

    /// Bytes kept in memory before they go to the temp file: large enough to
    /// make the write calls few, small enough not to matter.
    private static let flushThreshold = 64 * 1024

    /// The absolute path of the output file, or `-` for standard output.
    public nonisolated let path: String
    /// Where the lines go.
    public nonisolated let target: OutputTarget
    private let mode: OutputMode
    /// Opened at the first result, so an unwritable directory fails the stage
    /// early instead of at the end of a long wait.
    private var writer: AtomicFileWriter?
    private var pending = EncodingBuffer()
    private var isFinished = false

    /// Whether the lines go to standard output (`path: -`).
    public nonisolated var writesStandardOutput: Bool { target.isStandardOutput }

    /// Builds the stage from its `path` and `mode` options.
    public init(options: StageOptions, context: StageBuildContext) throws {
        guard let target = try options.outputTarget("path", for: Self.self) else {
            throw StageOptionError(option: "path", message: "is required", fix: "set path to the .jsonl file to write, or - for standard output")
        }
        self.target = target
        path = target.path
        mode = try OutputMode(option: options.string("mode"))
        if target.isStandardOutput, mode == .append {
            throw StageOptionError(
                option: "mode", message: "append cannot be used with 'path: -': standard output is written, not appended to",
                fix: "use mode: overwrite (the default) with path: -, or give a file path to append to")
        }
    }

    /// Adds the record's line to the output.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        precondition(!isFinished, "receive after finish")
        // The bytes of `result.jsonLine`, encoded straight into the buffer.
        result.appendJSONLine(to: &pending)
        if mode == .overwrite, !target.isStandardOutput {
            if writer == nil { writer = try AtomicFileWriter(destination: path) }
            if pending.count >= Self.flushThreshold { try flush() }
        }
    }

    /// Prepares the file (an empty one when there were no results) for the
    /// run's commit and publishes it as an artifact.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        if target.isStandardOutput {
            try context.prepareStandardOutput(pending.bytes)
            pending = EncodingBuffer()
            return
        }
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
