public import ExportStageKit

/// Writes every task's result as one CSV row.
///
/// Cells follow RFC 4180: a cell holding the delimiter, a quote, CR or LF is
/// quoted, with quotes doubled. Strings are written as they are, `null` as an
/// empty cell, numbers as JSON numbers and the `error` object as its compact
/// JSON. Unless `formula_guard: false`, a text cell that a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a `'`
/// prefix:
///
/// ```
/// task_id,task_name,task_status,...,run_id
/// task-1,vul export,success,...,run-1
/// task-3,"'=cmd|' /C calc'!A0, ""quoted""",failure,...,run-1
/// ```
///
/// In a pipeline with `sources:` the default columns include `source`
/// (before `project_id`); with a single `source:` they are as they always were.
///
/// In `overwrite` mode rows stream into a temp file beside the output, which
/// `finish` renames over it, so a run that dies early leaves the old file as
/// it was. In `append` mode the rows are kept until `finish`, which adds them
/// in one write; the header goes only into a new or empty file, and a file
/// whose header differs from this stage's, or whose last line is incomplete,
/// is refused and left untouched.
///
/// `path: -` writes the header and rows to standard output instead, all at
/// the run's commit (kept in memory until then); `mode: append` cannot go
/// with it. An existing `path` that is not a regular file (a directory, a
/// device, a FIFO, a symbolic link) is refused when the stage is built, and
/// again at the commit (``ReplaceableOutput``).
public actor CSVStage: StandardOutputCapableStage {
    /// `csv`.
    public static let typeName = "csv"

    /// One line for `hss-export stages`.
    public static let summary = "Writes one CSV row per task, RFC 4180 quoted and guarded against formula injection."

    /// Bytes kept in memory before they go to the temp file.
    private static let flushThreshold = 64 * 1024

    /// The absolute path of the output file, or `-` for standard output.
    public nonisolated let path: String
    /// Where the rows go.
    public nonisolated let target: OutputTarget
    private let format: CSVFormat
    private let writesHeader: Bool
    private let mode: OutputMode
    /// Opened at the first result, so an unwritable directory fails the stage
    /// early instead of at the end of a long wait.
    private var writer: AtomicFileWriter?
    private var pending = EncodingBuffer()
    private var isFinished = false

    /// Whether the rows go to standard output (`path: -`).
    public nonisolated var writesStandardOutput: Bool { target.isStandardOutput }

    /// Builds the stage, rejecting unknown columns and unusable delimiters.
    public init(options: StageOptions, context: StageBuildContext) throws {
        guard let target = try options.outputTarget("path", for: Self.self) else {
            throw StageOptionError(option: "path", message: "is required", fix: "set path to the .csv file to write, or - for standard output")
        }
        self.target = target
        path = target.path
        format = try Self.format(from: options, multiSource: !context.sourceNames.isEmpty)
        writesHeader = options.bool("header") ?? true
        mode = try OutputMode(option: options.string("mode"))
        if target.isStandardOutput, mode == .append {
            throw StageOptionError(
                option: "mode", message: "append cannot be used with 'path: -': standard output is written, not appended to",
                fix: "use mode: overwrite (the default) with path: -, or give a file path to append to")
        }
    }

    /// Adds the record's row to the output.
    public func receive(_ result: ExportResult, context: RunContext) async throws {
        precondition(!isFinished, "receive after finish")
        let streams = mode == .overwrite && !target.isStandardOutput
        if streams, writer == nil { try open() }
        format.appendRow(of: result, to: &pending)
        if streams, pending.count >= Self.flushThreshold { try flush() }
    }

    /// Prepares the file (just the header when there were no results) for
    /// the run's commit and publishes it as an artifact.
    public func finish(summary: RunSummary, context: RunContext) async throws {
        precondition(!isFinished, "finish called twice")
        isFinished = true
        if target.isStandardOutput {
            var bytes = writesHeader ? Array(format.headerLine.utf8) : []
            bytes.append(contentsOf: pending.bytes)
            try context.prepareStandardOutput(bytes)
            pending = EncodingBuffer()
            return
        }
        switch mode {
        case .overwrite:
            if writer == nil { try open() }
            try flush()
            try context.prepare(writer!, stage: Self.typeName)
            writer = nil
        case .append:
            // Before the header checks: a file that was only a torn header is new again.
            try context.repairTornEnd(of: path)
            var lines = pending.bytes
            if writesHeader {
                if try CSVAppendTarget.isNewOrEmpty(path) {
                    lines.insert(contentsOf: format.headerLine.utf8, at: 0)
                } else {
                    try CSVAppendTarget.checkHeader(of: path, expected: format.headerLine)
                }
            }
            try context.prepareAppend(lines, to: path, stage: Self.typeName)
        }
        pending = EncodingBuffer()
    }

    private func open() throws {
        writer = try AtomicFileWriter(destination: path)
        guard writesHeader else { return }
        var lines = EncodingBuffer(minimumCapacity: Self.flushThreshold + 4096)
        lines.append(utf8: format.headerLine)
        lines.append(pending.bytes)
        pending = lines
    }

    private func flush() throws {
        guard let writer, !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try writer.write($0) }
        pending.removeAll()
    }
}
