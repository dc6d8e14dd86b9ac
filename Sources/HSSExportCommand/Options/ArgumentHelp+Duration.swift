import ArgumentParser
import ExportStageKit

extension ArgumentHelp {
    /// The help of an optional duration option: `abstract`, then its
    /// default in the spelling the option accepts, so the text cannot drift
    /// from the value the option falls back to.
    static func duration(_ abstract: String, default value: Duration) -> ArgumentHelp {
        ArgumentHelp("\(abstract) (default: \(DurationText.format(value))).", valueName: "duration")
    }
}
