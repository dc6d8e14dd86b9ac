import Foundation

/// The timestamps of IAM and the ECS metadata service: UTC with microseconds,
/// `2024-01-15T08:30:00.000000Z`.
///
/// Expiry times are whole microseconds (``truncated(_:)``), so the `expires_at` a client
/// reads is exactly the instant the simulator refuses the credential from.
enum MicrosecondTimestamp {
    /// `date` truncated to whole microseconds since 1970.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(microseconds(date)) / 1e6)
    }

    /// Formats `date` (truncated to microseconds) as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    static func format(_ date: Date) -> String {
        let total = microseconds(date)
        var seconds = time_t(total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000)
        let fraction = Int(total - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(fraction, 6) + "Z"
    }

    private static func microseconds(_ date: Date) -> Int64 {
        // Rounded to the nearest first, since a Double near 1.8e9 s holds microseconds only approximately.
        Int64((date.timeIntervalSince1970 * 1e6).rounded())
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
