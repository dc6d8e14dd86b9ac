import Foundation

/// Durations as written in pipeline files: `500ms`, `30s`, `15m`, `2h`, `1m30s`.
///
/// Every duration read from a file, an option or a scenario is at most
/// ``maximum`` (366 days, `8784h`): long enough for any deadline, and small
/// enough that a sum of many of them (a deadline plus a timeout plus a
/// backoff) stays far inside `Duration` and `ContinuousClock` and inside an
/// `Int64` of milliseconds, so no arithmetic on them can trap.
public enum DurationText {
    /// The longest duration accepted anywhere: 366 days (`8784h`).
    public static let maximum: Duration = .seconds(maximumMilliseconds / 1000)

    /// ``maximum`` in milliseconds.
    public static let maximumMilliseconds: Int64 = 8784 * 3_600_000

    /// Why a text is not an acceptable duration.
    public enum Problem: Error, Sendable, Equatable {
        /// Not the duration syntax (`500ms`, `30s`, `15m`, `2h`, `1m30s`).
        case notADuration
        /// Well written, but longer than ``DurationText/maximum``.
        case tooLong
    }

    /// Parses `text`, or returns `nil` when it is not a duration or is longer
    /// than ``maximum``.
    public static func parse(_ text: String) -> Duration? {
        try? value(of: text)
    }

    /// Parses `text`, telling a text that is not a duration from one that is
    /// too long. The arithmetic is done in `Double` and compared with the
    /// maximum before any conversion to an integer, so no input traps.
    public static func value(of text: String) throws(Problem) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .notADuration }
        var totalMilliseconds: Int64 = 0
        var remaining = Substring(trimmed)
        var tooLong = false
        while !remaining.isEmpty {
            let number = remaining.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { throw .notADuration }
            remaining = remaining.dropFirst(number.count)
            let unit = remaining.prefix { $0.isLetter }
            remaining = remaining.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: throw .notADuration
            }
            // Keep reading after a too-long part: a syntax error later in the
            // text is the better message.
            let milliseconds = (value * scale * 1000).rounded()
            guard milliseconds <= Double(maximumMilliseconds), !tooLong else {
                tooLong = true
                continue
            }
            totalMilliseconds += Int64(milliseconds)
            if totalMilliseconds > maximumMilliseconds { tooLong = true }
        }
        if tooLong { throw .tooLong }
        return .milliseconds(totalMilliseconds)
    }

    /// The shortest exact text for `duration` (`1500ms`, `30s`, `15m`).
    public static func format(_ duration: Duration) -> String {
        let total = Self.milliseconds(in: duration)
        if total % 3_600_000 == 0, total != 0 { return "\(total / 3_600_000)h" }
        if total % 60_000 == 0, total != 0 { return "\(total / 60_000)m" }
        if total % 1000 == 0 { return "\(total / 1000)s" }
        return "\(total)ms"
    }

    /// `a duration between 1ms and 8784h`, for diagnostics that name the
    /// allowed range.
    public static func rangeDescription(minimum: Duration = .zero) -> String {
        "a duration between \(format(minimum)) and \(format(maximum))"
    }
}

extension DurationText {
    /// `duration` in whole milliseconds (truncated), saturating at the
    /// bounds of `Int64` instead of trapping.
    public static func milliseconds(in duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if sumOverflow { return seconds < 0 ? .min : .max }
        return total
    }

    /// `duration` in seconds, as a `Double`.
    public static func seconds(in duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
