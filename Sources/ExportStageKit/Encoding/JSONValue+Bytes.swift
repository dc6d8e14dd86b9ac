package import Foundation

/// A growable byte buffer that encoders fill through a raw pointer: one
/// capacity check per piece (a record, a string), not one per byte.
///
/// The JSON writer, the record encoder and the CSV stage write into it; the
/// stages hand its bytes to the output file in one write per batch.
package struct EncodingBuffer {
    /// Allocated bytes; those past ``count`` are scratch, not yet written.
    private var storage: [UInt8] = []
    /// The bytes written so far.
    package private(set) var count = 0

    package init(minimumCapacity: Int = 0) {
        if minimumCapacity > 0 { grow(toAtLeast: minimumCapacity) }
    }

    package var isEmpty: Bool { count == 0 }

    /// The bytes written, as an array.
    package var bytes: [UInt8] { Array(storage[..<count]) }

    /// Calls `body` with the bytes written.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Forgets the bytes written and keeps the memory.
    package mutating func removeAll() {
        count = 0
    }

    /// Makes room for `maximumCount` bytes and lets `body` write them with a
    /// ``RawWriter`` at the end of the buffer; `body` must write no more.
    @inline(__always)
    package mutating func write(maximumCount: Int, _ body: (inout RawWriter) -> Void) {
        if storage.count - count < maximumCount { grow(toAtLeast: count + maximumCount) }
        let start = count
        let written = storage.withUnsafeMutableBufferPointer { buffer -> Int in
            let base = buffer.baseAddress! + start
            var writer = RawWriter(base)
            body(&writer)
            return writer.position - base
        }
        precondition(written <= maximumCount, "an encoder wrote \(written) bytes into room for \(maximumCount)")
        count += written
    }

    /// Appends `bytes`.
    package mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        write(maximumCount: bytes.count) { $0.write(bytes) }
    }

    /// Appends `bytes`.
    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends the UTF-8 of `string`, unescaped.
    package mutating func append(utf8 string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    private mutating func grow(toAtLeast minimum: Int) {
        let size = Swift.max(minimum, storage.count * 2, 4096)
        let old = storage
        let used = count
        // UInt8 is trivial: the bytes past `used` are scratch, never read before written.
        storage = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            if used > 0 {
                old.withUnsafeBufferPointer { buffer.baseAddress!.update(from: $0.baseAddress!, count: used) }
            }
            initialized = size
        }
    }
}

/// Writes bytes through a pointer with no bounds checks; whoever makes one
/// (``EncodingBuffer/write(maximumCount:_:)``) guarantees the room.
package struct RawWriter {
    /// Where the next byte goes.
    package private(set) var position: UnsafeMutablePointer<UInt8>

    package init(_ start: UnsafeMutablePointer<UInt8>) {
        position = start
    }

    @inline(__always)
    package mutating func write(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    package mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        position.update(from: base, count: bytes.count)
        position += bytes.count
    }

    @inline(__always)
    package mutating func write(_ literal: StaticString) {
        literal.withUTF8Buffer { write($0) }
    }

    /// The UTF-8 of `string`, unescaped.
    package mutating func write(utf8 string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ write($0) }) == nil {
            var copy = string
            copy.withUTF8 { write($0) }
        }
    }

    /// At most this many bytes for ``writeString(_:escapingLineSeparators:)``
    /// of a string of `utf8Count` bytes: every byte may become `\u00XX`.
    package static func maximumStringCount(utf8Count: Int) -> Int { 6 * utf8Count + 2 }

    /// The string escaper, the package's only one: `string` as a quoted JSON
    /// string.
    ///
    /// `"` and `\` are escaped, and so are control characters (`\n`, `\r`,
    /// `\t`, the others as `\u00XX`) and, unless told not to, U+2028 and
    /// U+2029, which are valid JSON but end lines in JavaScript. Everything
    /// else, non-ASCII included, is copied as UTF-8.
    package mutating func writeString(_ string: String, escapingLineSeparators: Bool = true) {
        write(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ writeEscaped($0, escapingLineSeparators: escapingLineSeparators) }) == nil {
            var copy = string
            copy.withUTF8 { writeEscaped($0, escapingLineSeparators: escapingLineSeparators) }
        }
        write(UInt8(ascii: "\""))
    }

    /// The escaper's loop, on UTF-8 bytes, unquoted; needs room for
    /// `6 * bytes.count`. Eight bytes at a time are tested and copied while
    /// none needs an escape; every escape starts on a scalar boundary (ASCII,
    /// or the lead byte of U+2028/U+2029), so nothing else is split.
    package mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, escapingLineSeparators: Bool = true) {
        guard let source = bytes.baseAddress else { return }
        let count = bytes.count
        var index = 0
        while index < count {
            // Words without anything to escape are copied whole. The store
            // stays in bounds: at most 6 * index bytes were written so far and
            // index + 8 <= count.
            while count - index >= 8 {
                let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                if Self.mayNeedEscape(word) { break }
                UnsafeMutableRawPointer(position).storeBytes(of: word, as: UInt64.self)
                position += 8
                index += 8
            }
            // Then byte by byte, up to the next word.
            let stop = Swift.min(count, index + 8)
            while index < stop {
                let byte = source[index]
                switch byte {
                case 0x22: write("\\\"")
                case 0x5C: write("\\\\")
                case 0x0A: write("\\n")
                case 0x0D: write("\\r")
                case 0x09: write("\\t")
                case 0x00..<0x20:
                    write("\\u00")
                    write(Self.hexDigit(byte >> 4))
                    write(Self.hexDigit(byte & 0x0F))
                case 0xE2
                where escapingLineSeparators && count - index >= 3 && source[index + 1] == 0x80
                    && (source[index + 2] == 0xA8 || source[index + 2] == 0xA9):
                    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                    write(source[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    index += 2
                default:
                    write(byte)
                }
                index += 1
            }
        }
    }

    /// Whether any byte of `word` is below 0x20, `"`, `\` or 0xE2 (may start
    /// U+2028/U+2029). Exact as a yes/no answer (the classic "has zero byte"
    /// and "has byte less than" bit tricks).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        return
            (control | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
            | hasZeroByte(word ^ (ones &* 0xE2))) != 0
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") &+ value : UInt8(ascii: "a") &+ (value &- 10)
    }

    /// At most this many bytes for ``writeInteger(_:)``.
    package static let maximumIntegerCount = 20

    /// Decimal digits of `value`, with a leading `-` when negative.
    package mutating func writeInteger(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { write(UInt8(ascii: "-")) }
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        position += digits
        var cursor = position
        repeat {
            cursor -= 1
            cursor.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }

    /// At most this many bytes for ``writeNumber(_:)`` (`description` of a
    /// double takes at most 24).
    package static let maximumNumberCount = 32

    /// JSON has no NaN or infinity; writing `null` keeps the document valid.
    /// Whole numbers below 10^15 are written without a fraction, everything
    /// else as Swift's shortest round-tripping `description`.
    package mutating func writeNumber(_ value: Double) {
        guard value.isFinite else {
            write("null")
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int(Int64(value)))
            return
        }
        // Milliseconds and other values of at most three decimals, the common
        // case, without formatting a String. For these magnitudes the decimal
        // m/1000 is exactly the shortest text that reads back as `value`
        // (any other text of as few digits is at least 0.001 away, far more
        // than the spacing of doubles there), which is what `description`
        // prints; anything else takes the general path.
        let magnitude = abs(value)
        if magnitude >= 0.001, magnitude < 1e9 {
            let scaled = (magnitude * 1000).rounded()
            if scaled / 1000 == magnitude {
                let thousandths = Int(scaled)
                if value < 0 { write(UInt8(ascii: "-")) }
                writeInteger(thousandths / 1000)
                write(UInt8(ascii: "."))
                let fraction = thousandths % 1000  // not 0: the value is not whole
                write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / 100))
                if fraction % 100 != 0 {
                    write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / 10 % 10))
                    if fraction % 10 != 0 {
                        write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction % 10))
                    }
                }
                return
            }
        }
        write(utf8: value.description)
    }

    /// At most this many bytes for ``writeTimestamp(_:)`` (31 for the
    /// farthest years `gmtime` handles).
    package static let maximumTimestampCount = 64

    /// `date` as ``RFC3339/format(_:)`` writes it, without the C library for
    /// the years 0000 to 9999.
    package mutating func writeTimestamp(_ date: Date) {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        // Anything else (and NaN) takes the general path, traps included.
        guard milliseconds >= -62_167_219_200_000, milliseconds < 253_402_300_800_000 else {
            write(utf8: RFC3339.format(date))
            return
        }
        let total = Int64(milliseconds)
        let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        let millisecond = Int(total - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        writeDigits(year / 100)
        writeDigits(year % 100)
        write(UInt8(ascii: "-"))
        writeDigits(month)
        write(UInt8(ascii: "-"))
        writeDigits(day)
        write(UInt8(ascii: "T"))
        writeDigits(secondOfDay / 3600)
        write(UInt8(ascii: ":"))
        writeDigits(secondOfDay / 60 % 60)
        write(UInt8(ascii: ":"))
        writeDigits(secondOfDay % 60)
        write(UInt8(ascii: "."))
        write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: millisecond / 100))
        writeDigits(millisecond % 100)
        write(UInt8(ascii: "Z"))
    }

    /// Two digits of `value` (0 to 99).
    @inline(__always)
    private mutating func writeDigits(_ value: Int) {
        write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10))
        write(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01, as
    /// `gmtime` gives it (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
