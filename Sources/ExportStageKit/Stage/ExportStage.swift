/// An output stage: receives every task's result and commits its output at the end.
///
/// A stage is built from the options section of a pipeline file (see
/// ``options`` and ``init(options:context:)``); unknown or mistyped options are
/// rejected at load time, before any request is made. During the run the stage
/// receives one ``ExportResult`` per task, in the order of the tasks in the
/// pipeline file, and then ``finish(summary:context:)`` once, where it commits
/// its output (atomically: a run that dies before `finish` leaves the old
/// output untouched).
///
/// In a pipeline run, commits have two phases: a stage that writes a file
/// prepares it in `finish` (``RunContext/prepare(_:stage:commitsLast:)``:
/// written and fsynced under a temp name), and once every stage has finished
/// the runner renames all of them together, the manifest last. A stage whose
/// ``finishPhase`` is ``StageFinishPhase/afterCommit`` (the `exec` hook)
/// finishes after that, so it sees the run's files in place.
///
/// A stage that throws is marked failed; it receives nothing more, the other
/// stages carry on, and the run exits with code 4.
///
/// ```swift
/// struct CountingStage: ExportStage {
///     static let typeName = "count"
///     static let summary = "Logs how many tasks succeeded."
///     static let options: [StageOption] = []
///     init(options: StageOptions, context: StageBuildContext) throws {}
///     func receive(_ result: ExportResult, context: RunContext) async throws {}
///     func finish(summary: RunSummary, context: RunContext) async throws {
///         context.logger.info("succeeded: \(summary.count(of: .succeeded))")
///     }
/// }
/// ```
public protocol ExportStage: Sendable {
    /// The `type` that selects this stage in a pipeline file, e.g. `jsonl`.
    static var typeName: String { get }
    /// One line saying what the stage writes, shown by `hss-export stages`.
    static var summary: String { get }
    /// Every option the stage accepts, declared once: the loader checks a
    /// pipeline file against it and `hss-export stages` prints it.
    static var options: [StageOption] { get }

    /// Builds the stage from its (already type-checked) options.
    ///
    /// Throw ``StageOptionError`` for a value that is well-typed but wrong
    /// (a path with the wrong extension, say); the loader reports it with the
    /// option's file:line:column.
    init(options: StageOptions, context: StageBuildContext) throws

    /// Receives one task's result. Results arrive in pipeline-file order.
    func receive(_ result: ExportResult, context: RunContext) async throws

    /// Commits the output once every result has been received.
    func finish(summary: RunSummary, context: RunContext) async throws

    /// When ``finish(summary:context:)`` runs relative to the run's commit;
    /// by default before it.
    static var finishPhase: StageFinishPhase { get }

    /// Whether this stage writes its output to the process's standard output
    /// (`path: -`); by default it does not.
    ///
    /// A run allows at most one such stage, and when there is one, everything
    /// else the run would print on stdout (the summary) goes to stderr, so
    /// stdout carries that stage's output and nothing else.
    var writesStandardOutput: Bool { get }
}

extension ExportStage {
    /// Before the commit: the stage prepares outputs for it.
    public static var finishPhase: StageFinishPhase { .beforeCommit }

    /// Files, not stdout.
    public var writesStandardOutput: Bool { false }
}

/// When a stage finishes relative to the renames of a run's two-phase commit.
public enum StageFinishPhase: Sendable, Equatable {
    /// With the file stages, in file order: outputs prepared then are renamed together.
    case beforeCommit
    /// After every prepared output is in place (a hook that reads or ships them).
    case afterCommit
}
