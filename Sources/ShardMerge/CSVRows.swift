/// Splits CSV text into rows, byte for byte, without parsing cells: a line
/// break inside a quoted cell stays in its row (RFC 4180), so rows can be
/// moved between files exactly as the `csv` stage wrote them.
enum CSVRows {
    /// The rows of `bytes`, each with its line ending; a last row without one is kept as it is.
    static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var rows: [ArraySlice<UInt8>] = []
        var start = 0
        var inQuotes = false
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") {
                // A doubled quote toggles twice: the state is right either way.
                inQuotes.toggle()
            } else if byte == UInt8(ascii: "\n"), !inQuotes {
                rows.append(bytes[start...index])
                start = index + 1
            }
        }
        if start < bytes.count { rows.append(bytes[start...]) }
        return rows
    }
}
