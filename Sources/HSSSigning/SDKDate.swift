public import Foundation

/// The `X-Sdk-Date` format, `YYYYMMDD'T'HHMMSS'Z'` in UTC (`20240115T083000Z`).
public enum SDKDate {
    /// Formats `date` in UTC, truncating fractional seconds as Python's `strftime` does.
    public static func format(_ date: Date) -> String {
        let components = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return pad(components.year ?? 0, 4) + pad(components.month ?? 0, 2) + pad(components.day ?? 0, 2)
            + "T" + pad(components.hour ?? 0, 2) + pad(components.minute ?? 0, 2) + pad(components.second ?? 0, 2)
            + "Z"
    }

    /// Parses a value in the `X-Sdk-Date` format; `nil` if it is not one.
    public static func parse(_ value: String) -> Date? {
        let bytes = Array(value.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return result
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
