import ArgumentParser
import ExportStageKit

/// A duration given on the command line, checked like one in a pipeline file:
/// from a per-option minimum to ``DurationText/maximum``, so nothing the
/// scheduler computes from it can overflow.
enum DurationOption {
    /// `text` as a duration; a `ValidationError` (exit 2) naming `option`
    /// and the allowed range otherwise.
    static func parse(_ text: String, option: String, minimum: Duration) throws -> Duration {
        let value: Duration
        do {
            value = try DurationText.value(of: text)
        } catch {
            switch error {
            case .notADuration:
                throw ValidationError("\(option) '\(text.prefix(40))' is not a duration; write e.g. 500ms, 30s or 15m")
            case .tooLong:
                throw ValidationError("\(option) \(text.prefix(40)) is out of range; use \(DurationText.rangeDescription(minimum: minimum))")
            }
        }
        guard value >= minimum else {
            throw ValidationError("\(option) \(text.prefix(40)) is out of range; use \(DurationText.rangeDescription(minimum: minimum))")
        }
        return value
    }
}
