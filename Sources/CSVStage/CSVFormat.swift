import ExportPipeline

/// How the CSV stage turns records into lines: columns, delimiter, line
/// ending, quoting (RFC 4180) and the spreadsheet formula guard.
struct CSVFormat: Sendable {
    /// Field names to write, in order.
    var columns: [String]
    /// Positions of ``columns`` in ``ExportResult/fields``.
    var fieldIndices: [Int]
    /// The character between cells.
    var delimiter: Unicode.Scalar
    /// `\r\n` or `\n`.
    var lineEnding: String
    /// Whether text cells that a spreadsheet would run as a formula get a `'` prefix.
    var formulaGuard: Bool

    /// Characters that make Excel, LibreOffice and Google Sheets treat a cell
    /// as a formula (OWASP's list); tab and CR count because some importers
    /// strip them and then see what follows.
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// The header line, line ending included.
    var headerLine: String {
        var line = ""
        for (index, column) in columns.enumerated() {
            if index > 0 { line.unicodeScalars.append(delimiter) }
            appendQuotingIfNeeded(column, to: &line)
        }
        line += lineEnding
        return line
    }

    /// Appends the record's line, line ending included, to `output`.
    func appendRow(of result: ExportResult, to output: inout String) {
        let fields = result.fields
        for (position, index) in fieldIndices.enumerated() {
            if position > 0 { output.unicodeScalars.append(delimiter) }
            appendCell(fields[index].value, to: &output)
        }
        output += lineEnding
    }

    /// Strings are written as they are (guarded), `null` as an empty cell,
    /// everything else as its compact JSON text.
    func appendCell(_ value: JSONValue, to output: inout String) {
        switch value {
        case .null:
            break
        case .string(let text):
            // Only text is guarded: a number is data the spreadsheet should
            // keep as a number, and a leading '-' there is a sign, not a formula.
            if formulaGuard, let first = text.unicodeScalars.first, Self.formulaStarts.contains(first) {
                appendQuotingIfNeeded("'" + text, to: &output)
            } else {
                appendQuotingIfNeeded(text, to: &output)
            }
        default:
            appendQuotingIfNeeded(value.serialized, to: &output)
        }
    }

    /// RFC 4180: a cell holding the delimiter, a quote, CR or LF is quoted,
    /// with its quotes doubled.
    func appendQuotingIfNeeded(_ text: String, to output: inout String) {
        let needsQuotes = text.unicodeScalars.contains { $0 == delimiter || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else {
            output += text
            return
        }
        output += "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { output += "\"" }
            output.unicodeScalars.append(scalar)
        }
        output += "\""
    }
}
