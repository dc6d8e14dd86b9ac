import ExportStageKit

extension Pipeline {
    /// Whether a stage writes its output to standard output (`path: -`); the
    /// loader allows at most one.
    ///
    /// When one does, stdout is that stage's alone: a run prints everything
    /// else it would print there (its summary) on stderr instead.
    public var writesStandardOutput: Bool {
        stages.contains { $0.stage.writesStandardOutput }
    }

    /// The stage that writes standard output, if one does.
    public var standardOutputStage: ConfiguredStage? {
        stages.first { $0.stage.writesStandardOutput }
    }
}
