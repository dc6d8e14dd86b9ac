public import Foundation

/// RFC 3339 timestamps in UTC with milliseconds (`2026-11-29T14:30:31.123Z`).
///
/// Hand-rolled because `ISO8601DateFormatter` is not `Sendable` and is slow
/// enough to show up when a stage writes 100,000 records.
public enum RFC3339 {
    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
    public static func format(_ date: Date) -> String {
        format(units: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)), fractionDigits: 3)
    }

    /// Formats `total` units of 10^-`fractionDigits` s since 1970 as
    /// `YYYY-MM-DDTHH:MM:SS.f…Z` in UTC, with `fractionDigits` digits (IAM and
    /// the ECS metadata service write microseconds: 6).
    public static func format(units total: Int64, fractionDigits: Int) -> String {
        var unitsPerSecond: Int64 = 1
        for _ in 0..<fractionDigits { unitsPerSecond *= 10 }
        var seconds = time_t(total >= 0 ? total / unitsPerSecond : (total - unitsPerSecond + 1) / unitsPerSecond)
        let fraction = Int(total - Int64(seconds) * unitsPerSecond)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(fraction, fractionDigits) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
