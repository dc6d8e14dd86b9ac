import ExportPipeline
import ExportStageKit
import Foundation

/// The text of the live progress line, from how the wait stands:
///
/// ```
/// hss-export: waiting 1m05s: 2/4 done (1 succeeded, 1 failed), 12 requests (1 throttled), budget 5/1m, next in 8s
/// ```
///
/// Elapsed time counts whole seconds down, the time to the next request up
/// (a request 0.2 s away is "next in 1s", one that is due is "next now"), and
/// the next request is left out when none is planned or nothing is left to do.
enum ProgressLine {
    static func text(for progress: WaitProgress, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(progress.startedAt), 0)
        var line = "hss-export: waiting \(clockText(seconds: Int(elapsed.rounded(.down)))): "
        line += "\(progress.finished)/\(progress.taskCount) done"
        let outcomes = TaskOutcome.allCases.compactMap { outcome -> String? in
            guard let count = progress.outcomes[outcome], count > 0 else { return nil }
            return "\(count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
        }
        if !outcomes.isEmpty { line += " (" + outcomes.joined(separator: ", ") + ")" }
        line += ", \(progress.requests) request\(progress.requests == 1 ? "" : "s")"
        if progress.throttled > 0 { line += " (\(progress.throttled) throttled)" }
        line += ", budget \(progress.budget.requests)/\(DurationText.format(progress.budget.period))"
        if let next = progress.nextRequestAt, progress.finished < progress.taskCount {
            let wait = next.timeIntervalSince(now)
            line += wait > 0 ? ", next in \(clockText(seconds: Int(wait.rounded(.up))))" : ", next now"
        }
        return line
    }

    /// `8s`, `1m05s`, `2h03m09s`.
    static func clockText(seconds: Int) -> String {
        let seconds = max(seconds, 0)
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if hours > 0 { return "\(hours)h\(twoDigits(minutes))m\(twoDigits(rest))s" }
        if minutes > 0 { return "\(minutes)m\(twoDigits(rest))s" }
        return "\(rest)s"
    }
}
