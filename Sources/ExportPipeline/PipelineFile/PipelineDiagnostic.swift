import ExportStageKit

/// One problem in a pipeline file, located so editors and CI can point at it.
public struct PipelineDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Equatable {
        /// The file cannot be used: `validate` and `run` exit 2.
        case error
        /// The file works, but probably not as meant (a `$VAR` without
        /// braces, a literal secret): printed, the exit code is unaffected.
        case warning
    }

    /// The file (as given on the command line).
    public var file: String
    /// 1-based line, or 0 when the problem is the file as a whole.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// What is wrong, naming the key and the bad value.
    public var message: String
    /// How to fix it.
    public var fix: String?
    /// Whether the file is unusable (``Severity/error``) or only suspicious.
    public var severity: Severity

    /// A 1-based line and column in a pipeline file.
    public struct Location: Sendable, Equatable {
        /// The line (0 when unknown).
        public var line: Int
        /// The column.
        public var column: Int

        /// Creates a location.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// A diagnostic at `location` in `file`.
    public init(file: String, at location: Location?, message: String, fix: String? = nil, severity: Severity = .error) {
        self.init(file: file, line: location?.line ?? 0, column: location?.column ?? 0, message: message, fix: fix, severity: severity)
    }

    /// Creates a diagnostic (an error unless `severity` says otherwise).
    public init(file: String, line: Int, column: Int, message: String, fix: String? = nil, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
        self.severity = severity
    }

    /// `file:line:column: error: message; fix` (or `warning:`) — the format
    /// compilers use, so editors and the SwiftPM plugin can jump to the spot.
    public var description: String {
        "\(file):\(max(line, 1)):\(max(column, 1)): \(severity.rawValue): \(message)" + (fix.map { "; \($0)" } ?? "")
    }
}

/// A pipeline file that cannot be used, with every problem found in it.
public struct PipelineLoadError: Error, CustomStringConvertible, Sendable {
    /// How many diagnostics ``description`` prints before it only counts the
    /// rest: a generated file with 100,000 mistakes gives a screenful, not
    /// megabytes. The first ones are the ones to fix first anyway.
    public static let maximumShown = 50

    /// All problems, in file order.
    public var diagnostics: [PipelineDiagnostic]
    /// The warnings found with them (``PipelineDiagnostic/Severity/warning``), in file order.
    public var warnings: [PipelineDiagnostic]

    /// Creates the error.
    public init(diagnostics: [PipelineDiagnostic], warnings: [PipelineDiagnostic] = []) {
        self.diagnostics = diagnostics
        self.warnings = warnings
    }

    /// The first ``maximumShown`` diagnostics, one per line, then
    /// `... and N more problems` when there are more, then the warnings.
    public var description: String {
        var lines = diagnostics.prefix(Self.maximumShown).map(\.description)
        let more = diagnostics.count - Self.maximumShown
        if more > 0 {
            lines.append("... and \(more) more problem\(more == 1 ? "" : "s") (only the first \(Self.maximumShown) are shown)")
        }
        lines += warnings.prefix(Self.maximumShown).map(\.description)
        return lines.joined(separator: "\n")
    }
}
