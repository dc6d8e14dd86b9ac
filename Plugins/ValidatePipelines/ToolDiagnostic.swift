import Foundation

/// One `file:line:column: error: message` line printed by `hss-export validate`.
struct ToolDiagnostic: Equatable {
    /// The absolute path of the pipeline file.
    var file: String
    /// 1-based line.
    var line: Int
    /// 1-based column.
    var column: Int
    /// The message after `error: `, fix included.
    var message: String

    /// The text for `Diagnostics.error`: the location as the tool printed it,
    /// then the message. The location is repeated in the text because the
    /// `swift package` command line shows only the text (Xcode uses the file
    /// and line as well) and the column has no field of its own.
    var located: String

    /// Parses a line of the tool's stderr; `nil` for anything else (the
    /// "N of M invalid" tally, log lines).
    ///
    /// The line and column are the two numbers before the first `: error: `
    /// and the file is everything before them, so paths containing colons
    /// still parse.
    init?(line: Substring, relativeTo directory: URL) {
        guard let marker = line.range(of: ": error: ") else { return nil }
        let location = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        guard location.count >= 3,
            let lineNumber = Int(location[location.count - 2]),
            let column = Int(location[location.count - 1])
        else { return nil }
        let path = location.dropLast(2).joined(separator: ":")
        self.file = path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
        self.line = lineNumber
        self.column = column
        self.message = String(line[marker.upperBound...])
        self.located = "\(path):\(lineNumber):\(column): \(message)"
    }
}
