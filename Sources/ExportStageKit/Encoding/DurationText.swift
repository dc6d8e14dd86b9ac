import Foundation

/// Durations as written in pipeline files: `500ms`, `30s`, `15m`, `2h`, `1m30s`.
public enum DurationText {
    /// Parses `text`, or returns `nil` when it is not a duration.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var total: Duration = .zero
        var remaining = Substring(trimmed)
        while !remaining.isEmpty {
            let number = remaining.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            remaining = remaining.dropFirst(number.count)
            let unit = remaining.prefix { $0.isLetter }
            remaining = remaining.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return total
    }

    /// The shortest exact text for `duration` (`1500ms`, `30s`, `15m`).
    public static func format(_ duration: Duration) -> String {
        let total = Self.milliseconds(in: duration)
        if total % 3_600_000 == 0, total != 0 { return "\(total / 3_600_000)h" }
        if total % 60_000 == 0, total != 0 { return "\(total / 60_000)m" }
        if total % 1000 == 0 { return "\(total / 1000)s" }
        return "\(total)ms"
    }
}

extension DurationText {
    /// `duration` in whole milliseconds (truncated).
    public static func milliseconds(in duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// `duration` in seconds, as a `Double`.
    public static func seconds(in duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
