/// How a file-writing stage treats an existing output file: the `mode`
/// option shared by `jsonl`, `csv` and any custom stage that writes lines.
public enum OutputMode: String, CaseIterable, Sendable {
    /// Replace the file atomically in `finish`.
    case overwrite
    /// Add this run's lines to the end of the file in one write.
    case append

    /// Reads the `mode` option; the loader has checked the choice already, but
    /// a stage built in code gets an error instead of a trap.
    public init(option value: String?) throws(StageOptionError) {
        guard let mode = OutputMode(rawValue: value ?? OutputMode.overwrite.rawValue) else {
            throw StageOptionError(
                option: "mode",
                message: "unknown mode '\(value ?? "")'",
                fix: "use one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = mode
    }

    /// The declaration of a `mode` option defaulting to `overwrite`.
    public static func option(help: String) -> StageOption {
        StageOption("mode", .choice(allCases.map(\.rawValue)), default: .string(OutputMode.overwrite.rawValue), help: help)
    }
}
