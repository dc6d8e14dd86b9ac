public import ExportStageKit

extension CSVStage {
    /// `path`, `columns`, `header`, `delimiter`, `line_ending`, `mode` and `formula_guard`.
    public static let options: [StageOption] = [
        StageOption(
            "path", .outputPath, required: true,
            help:
                "The CSV file to write (a regular file, or - for standard output); a relative path is resolved against the pipeline file's directory."
        ),
        StageOption(
            "columns", .stringList, default: .stringList(ExportResult.fieldNames),
            help:
                "The record fields to write as columns, in this order (default: all fields in their documented order, with 'source' before project_id in a pipeline with sources:)."
        ),
        StageOption(
            "header", .bool, default: .bool(true),
            help: "Whether the first line names the columns."
        ),
        StageOption(
            "delimiter", .string, default: .string(","),
            help: "The single character between cells, such as ',', ';' or a tab; not '\"', CR or LF."
        ),
        StageOption(
            "line_ending", .choice(LineEnding.allCases.map(\.rawValue)), default: .string(LineEnding.crlf.rawValue),
            help: "crlf ends lines with CR LF as RFC 4180 says; lf ends them with LF alone."
        ),
        OutputMode.option(
            help: "overwrite replaces the file atomically at the end of the run; append adds this run's rows to its end, after checking its header."
        ),
        StageOption(
            "formula_guard", .bool, default: .bool(true),
            help: "Whether text cells starting with =, +, -, @, tab or CR get a ' prefix so spreadsheets do not run them as formulas."
        ),
    ]

    /// The `line_ending` choices.
    enum LineEnding: String, CaseIterable {
        case crlf
        case lf

        var text: String { self == .crlf ? "\r\n" : "\n" }
    }

    /// Checks the well-typed options that can still be wrong and builds the format.
    static func format(from options: StageOptions, multiSource: Bool = false) throws(StageOptionError) -> CSVFormat {
        // The header is fixed before the first record, so whether records
        // carry `source` comes from the pipeline, not from them.
        // (The options hold the declared default when the file sets none.)
        var columns = options.stringList("columns") ?? ExportResult.fieldNames
        if multiSource, columns == ExportResult.fieldNames { columns = ExportResult.fieldNames(withSource: true) }
        let known = ExportResult.fieldNames(withSource: true)
        guard !columns.isEmpty else {
            throw StageOptionError(
                option: "columns", message: "lists no column",
                fix: "name at least one of " + known.joined(separator: ", ") + ", or omit columns to write them all"
            )
        }
        var indices: [Int] = []
        for column in columns {
            let found = column == ExportResult.sourceFieldName ? ExportResult.sourceFieldIndex : ExportResult.fieldNames.firstIndex(of: column)
            guard let index = found else {
                let valid = "valid columns: " + known.joined(separator: ", ")
                let hint = Suggestion.closest(to: column, in: known).map { "did you mean '\($0)'? " } ?? ""
                throw StageOptionError(option: "columns", message: "unknown column '\(column)'", fix: hint + valid)
            }
            guard !indices.contains(index) else {
                throw StageOptionError(option: "columns", message: "column '\(column)' is listed twice", fix: "list each column once")
            }
            indices.append(index)
        }

        let delimiterText = options.string("delimiter") ?? ","
        let scalars = Array(delimiterText.unicodeScalars)
        guard scalars.count == 1, let delimiter = scalars.first else {
            throw StageOptionError(
                option: "delimiter", message: "'\(delimiterText)' is \(scalars.count) characters, not one",
                fix: "use a single character such as ',', ';' or a tab (\"\\t\" in YAML)"
            )
        }
        guard delimiter != "\"", delimiter != "\r", delimiter != "\n" else {
            let name = delimiter == "\"" ? "'\"', the CSV quote character" : "a line break"
            throw StageOptionError(
                option: "delimiter", message: "the delimiter cannot be \(name)",
                fix: "use another single character such as ',', ';' or a tab (\"\\t\" in YAML)"
            )
        }

        let lineEndingText = options.string("line_ending") ?? LineEnding.crlf.rawValue
        guard let lineEnding = LineEnding(rawValue: lineEndingText) else {
            throw StageOptionError(
                option: "line_ending", message: "unknown line ending '\(lineEndingText)'",
                fix: "use one of " + LineEnding.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }

        return CSVFormat(
            columns: columns, fieldIndices: indices, delimiter: delimiter, lineEnding: lineEnding.text,
            formulaGuard: options.bool("formula_guard") ?? true
        )
    }
}
