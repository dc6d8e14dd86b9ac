/// The value an `exports:` entry gives one ``ExportParameter``, already read
/// from YAML into the parameter's shape; ``ExportKind/problems(in:exportName:)``
/// checks it against the parameter and ``ExportKind/creation(from:)`` sends it.
public enum ExportParameterValue: Sendable, Equatable {
    /// Text (also for ``ExportParameter/ValueType/oneOf(_:)``).
    case string(String)
    /// A whole number.
    case integer(Int)
    /// `true` or `false`.
    case boolean(Bool)
    /// A list of strings.
    case stringList([String])
    /// A list of whole numbers.
    case integerList([Int])
    /// `[[field, title], ...]`.
    case headers([Header])

    /// One `[field, title]` pair of `export_headers`: the column HSS exports
    /// and the title it gives it in the file.
    public struct Header: Sendable, Equatable {
        /// The field name, e.g. `vul_name`.
        public var field: String
        /// The column title, free text, e.g. `Vulnerability`.
        public var title: String

        /// Creates a pair.
        public init(_ field: String, _ title: String) {
            self.field = field
            self.title = title
        }
    }
}
