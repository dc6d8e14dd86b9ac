import Foundation

/// Parses the `Retry-After` header (RFC 9110 section 10.2.3).
enum RetryAfter {
    /// The wait as a duration: a number of seconds, or the time until an HTTP date
    /// (zero when the date has passed); `nil` for anything else.
    static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            // A huge number means "much later"; a day is the longest wait worth honouring.
            guard let seconds = Int64(trimmed), seconds <= 86_400 else { return .seconds(86_400) }
            return .seconds(seconds)
        }
        guard let date = httpDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        guard interval > 0 else { return .zero }
        return .milliseconds(Int64(min(interval, 86_400) * 1000))
    }

    /// IMF-fixdate, plus the obsolete RFC 850 and asctime forms a recipient must accept.
    static func httpDate(_ value: String) -> Date? {
        let formats = ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        // asctime pads a one-digit day with a second space ("Nov  6").
        let normalized = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
