import ExportPipeline

/// How the stage treats an existing output file.
enum OutputMode: String, CaseIterable, Sendable {
    /// Replace the file atomically in `finish`.
    case overwrite
    /// Add this run's lines to the end of the file in one write.
    case append

    /// Reads the `mode` option; the loader has checked the choice already, but
    /// a stage built in code gets an error instead of a trap.
    init(option value: String?) throws(StageOptionError) {
        guard let mode = OutputMode(rawValue: value ?? OutputMode.overwrite.rawValue) else {
            throw StageOptionError(
                option: "mode",
                message: "unknown mode '\(value ?? "")'",
                fix: "use one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = mode
    }
}
