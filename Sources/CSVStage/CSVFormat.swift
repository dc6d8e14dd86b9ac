import ExportStageKit
import Foundation

/// How the CSV stage turns records into lines: columns, delimiter, line
/// ending, quoting (RFC 4180) and the spreadsheet formula guard.
///
/// Rows are written as UTF-8 bytes straight from the record's fields
/// (``ExportResult/visitField(at:with:)``): the same text as taking each
/// value of ``ExportResult/fields`` (strings as they are, the rest as
/// compact JSON) and quoting it, without a string per cell.
struct CSVFormat: Sendable {
    /// Field names to write, in order.
    let columns: [String]
    /// Positions of ``columns`` in ``ExportResult/fields``.
    let fieldIndices: [Int]
    /// The character between cells.
    let delimiter: Unicode.Scalar
    /// `\r\n` or `\n`.
    let lineEnding: String
    /// Whether text cells that a spreadsheet would run as a formula get a `'` prefix.
    let formulaGuard: Bool

    /// The UTF-8 of ``delimiter`` and ``lineEnding``.
    fileprivate let delimiterBytes: [UInt8]
    fileprivate let lineEndingBytes: [UInt8]

    init(columns: [String], fieldIndices: [Int], delimiter: Unicode.Scalar, lineEnding: String, formulaGuard: Bool) {
        self.columns = columns
        self.fieldIndices = fieldIndices
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        self.formulaGuard = formulaGuard
        delimiterBytes = Array(String(delimiter).utf8)
        lineEndingBytes = Array(lineEnding.utf8)
    }

    /// The header line, line ending included.
    var headerLine: String {
        var buffer = EncodingBuffer()
        let room = columns.reduce(lineEndingBytes.count) { $0 + delimiterBytes.count + 2 * $1.utf8.count + 3 }
        buffer.write(maximumCount: room) { writer in
            delimiterBytes.withUnsafeBufferPointer { delimiter in
                var cells = CellWriter(writer: writer, delimiter: delimiter, formulaGuard: false)
                for (index, column) in columns.enumerated() {
                    if index > 0 { cells.writer.write(delimiter) }
                    cells.visitString(column)
                }
                writer = cells.writer
            }
            lineEndingBytes.withUnsafeBufferPointer { writer.write($0) }
        }
        return buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends the record's line, line ending included, to `buffer`.
    func appendRow(of result: ExportResult, to buffer: inout EncodingBuffer) {
        // A cell at most doubles its text (quotes) and adds three bytes; a
        // failure is JSON first (six times its strings at most), and times
        // and numbers stay under 64 bytes.
        let room =
            12 * result.stringByteCount + fieldIndices.count * (delimiterBytes.count + 2 * 64 + 3)
            + 256 + lineEndingBytes.count
        buffer.write(maximumCount: room) { writer in
            delimiterBytes.withUnsafeBufferPointer { delimiter in
                var cells = CellWriter(writer: writer, delimiter: delimiter, formulaGuard: formulaGuard)
                for (position, index) in fieldIndices.enumerated() {
                    if position > 0 { cells.writer.write(delimiter) }
                    result.visitField(at: index, with: &cells)
                }
                writer = cells.writer
            }
            lineEndingBytes.withUnsafeBufferPointer { writer.write($0) }
        }
    }
}

/// Writes field values as cells: strings (times included) as they are,
/// guarded, `null` as an empty cell, everything else as its compact JSON
/// text; quoted as RFC 4180 says when they need it.
private struct CellWriter: ExportResult.FieldVisitor {
    var writer: RawWriter
    let delimiter: UnsafeBufferPointer<UInt8>
    let formulaGuard: Bool

    mutating func visitNull() {}

    mutating func visitString(_ value: String) {
        // Only text is guarded: a number is data the spreadsheet should
        // keep as a number, and a leading '-' there is a sign, not a formula.
        if value.utf8.withContiguousStorageIfAvailable({ writeCell($0, guarded: formulaGuard) }) == nil {
            var copy = value
            copy.withUTF8 { writeCell($0, guarded: formulaGuard) }
        }
    }

    mutating func visitTimestamp(_ value: Date) {
        writeRendered(guarded: formulaGuard, maximumCount: RawWriter.maximumTimestampCount) { $0.writeTimestamp(value) }
    }

    mutating func visitInteger(_ value: Int) {
        writeRendered(guarded: false, maximumCount: RawWriter.maximumIntegerCount) { $0.writeInteger(value) }
    }

    mutating func visitNumber(_ value: Double) {
        writeRendered(guarded: false, maximumCount: RawWriter.maximumNumberCount) { $0.writeNumber(value) }
    }

    mutating func visitFailure(_ value: ExportResult.Failure) {
        writeRendered(guarded: false, maximumCount: value.maximumJSONCount) { value.write(to: &$0) }
    }

    /// Renders a value's text into scratch memory, then writes it as a cell.
    private mutating func writeRendered(guarded: Bool, maximumCount: Int, _ render: (inout RawWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumCount) { scratch in
            var rendered = RawWriter(scratch.baseAddress!)
            render(&rendered)
            writeCell(UnsafeBufferPointer(start: scratch.baseAddress, count: rendered.position - scratch.baseAddress!), guarded: guarded)
        }
    }

    /// Writes a cell's UTF-8 `text`, with a `'` first when `guarded` and it
    /// starts like a formula, quoted when it holds the delimiter, a quote,
    /// CR or LF, with its quotes doubled.
    private mutating func writeCell(_ text: UnsafeBufferPointer<UInt8>, guarded: Bool) {
        let prefixed = guarded && text.first.map(Self.isFormulaStart) == true
        // The `'` itself needs quotes when it is the delimiter.
        let quoted = needsQuotes(text) || (prefixed && delimiter.count == 1 && delimiter[0] == UInt8(ascii: "'"))
        guard quoted else {
            if prefixed { writer.write(UInt8(ascii: "'")) }
            writer.write(text)
            return
        }
        writer.write(UInt8(ascii: "\""))
        if prefixed { writer.write(UInt8(ascii: "'")) }
        var pending = 0
        for index in text.indices where text[index] == UInt8(ascii: "\"") {
            writer.write(UnsafeBufferPointer(rebasing: text[pending...index]))
            writer.write(UInt8(ascii: "\""))
            pending = index + 1
        }
        writer.write(UnsafeBufferPointer(rebasing: text[pending...]))
        writer.write(UInt8(ascii: "\""))
    }

    /// Characters that make Excel, LibreOffice and Google Sheets treat a cell
    /// as a formula (OWASP's list); tab and CR count because some importers
    /// strip them and then see what follows. All ASCII, so the first byte tells.
    private static func isFormulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// Whether `text` holds the delimiter, a quote, CR or LF.
    private func needsQuotes(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        if delimiter.count == 1 {
            // Eight bytes at a time, with the "has zero byte" bit trick.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let delimiterByte = delimiter[0]
            let delimiters = ones &* UInt64(delimiterByte)
            func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
            var index = 0
            while text.count - index >= 8 {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if hasZeroByte(word ^ delimiters) || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x0D))
                    || hasZeroByte(word ^ (ones &* 0x0A))
                {
                    return true
                }
                index += 8
            }
            while index < text.count {
                let byte = text[index]
                if byte == delimiterByte || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A { return true }
                index += 1
            }
            return false
        }
        // A delimiter outside ASCII: look for its whole UTF-8 sequence, which
        // in valid UTF-8 only matches at the start of that very scalar.
        let lead = delimiter[0]
        for index in text.indices {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A { return true }
            if byte == lead, text.count - index >= delimiter.count,
                delimiter.indices.allSatisfy({ text[index + $0] == delimiter[$0] })
            {
                return true
            }
        }
        return false
    }
}
