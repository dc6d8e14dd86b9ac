import ExportStageKit
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
        RFC3339.format(units: microseconds(date), fractionDigits: 6)
    }

    private static func microseconds(_ date: Date) -> Int64 {
        // Rounded to the nearest first, since a Double near 1.8e9 s holds microseconds only approximately.
        Int64((date.timeIntervalSince1970 * 1e6).rounded())
    }
}
