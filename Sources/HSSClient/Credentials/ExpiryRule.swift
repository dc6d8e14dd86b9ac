public import Foundation

/// When expiring credentials are fetched again.
///
/// The SDK refreshes when less than 40 minutes remain. A request also needs
/// keys that outlive it, so the margin is at least the asked validity (the
/// request timeout). Short lifetimes (test keys of a few seconds, 15-minute
/// agency keys) would then always look expired, so the margin is at most half
/// the lifetime: a key fresh from the source always passes.
///
/// `refresh when remaining < min(max(40 min, validity), lifetime / 2)`
public enum ExpiryRule {
    static let sdkThreshold = Duration.seconds(40 * 60)

    /// Whether credentials expiring at `expiresAt`, fetched at `fetchedAt`, must be fetched again
    /// for a use that needs `validity`.
    public static func needsRefresh(expiresAt: Date, fetchedAt: Date, validity: Duration, now: Date = Date()) -> Bool {
        let remaining = expiresAt.timeIntervalSince(now)
        let lifetime = max(0, expiresAt.timeIntervalSince(fetchedAt))
        let margin = min(max(seconds(sdkThreshold), seconds(validity)), lifetime / 2)
        return remaining < margin
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `2024-01-15T08:30:00.000000Z` (the metadata service's and IAM's format), as UTC.
    static func parseTimestamp(_ text: String) -> Date? {
        var main = Substring(text)
        guard main.hasSuffix("Z") else { return nil }
        main = main.dropLast()
        var fraction = 0.0
        if let dot = main.firstIndex(of: ".") {
            guard let value = Double("0" + main[dot...]) else { return nil }
            fraction = value
            main = main[..<dot]
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: String(main)).map { $0.addingTimeInterval(fraction) }
    }
}
