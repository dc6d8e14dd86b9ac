/// The declaration of one stage option: its name, type, default and help.
public struct StageOption: Sendable {
    /// What kind of value an option takes.
    public enum Kind: Sendable, Equatable {
        /// Any string.
        case string
        /// A file the stage writes; relative paths resolve against the pipeline
        /// file's directory, and two stages may not write the same path.
        case outputPath
        /// `true` or `false`.
        case bool
        /// An integer, optionally within a range.
        case integer(ClosedRange<Int>?)
        /// A duration such as `500ms`, `30s`, `15m`.
        case duration
        /// One of a fixed set of strings.
        case choice([String])
        /// A list of strings.
        case stringList
        /// A mapping of string keys to string values, kept in file order.
        case stringMap

        /// A short name for the kind, used in help and errors.
        public var displayName: String {
            switch self {
            case .string: return "string"
            case .outputPath: return "path"
            case .bool: return "bool"
            case .integer(let range?): return "integer \(range.lowerBound)...\(range.upperBound)"
            case .integer(nil): return "integer"
            case .duration: return "duration"
            case .choice(let values): return values.joined(separator: "|")
            case .stringList: return "list of strings"
            case .stringMap: return "map of strings"
            }
        }
    }

    /// The option's key in the pipeline file.
    public var name: String
    /// The type of value it takes.
    public var kind: Kind
    /// The value used when the file omits the option; `nil` with
    /// `isRequired == false` means "absent".
    public var defaultValue: StageOptionValue?
    /// Whether the file must set the option.
    public var isRequired: Bool
    /// One sentence for `hss-export stages`.
    public var help: String

    /// Declares an option.
    public init(_ name: String, _ kind: Kind, default defaultValue: StageOptionValue? = nil, required isRequired: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = isRequired
        self.help = help
    }
}

/// A typed option value, after interpolation and type checking.
public enum StageOptionValue: Sendable, Equatable, CustomStringConvertible {
    /// A string, choice or path.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case integer(Int)
    /// A duration.
    case duration(Duration)
    /// A list of strings.
    case stringList([String])
    /// A string map, in file order.
    case stringMap([KeyValue])

    /// One entry of a string map, in file order.
    public struct KeyValue: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: String
        /// Creates an entry.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The value as it would be written in a pipeline file.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .duration(let value): return DurationText.format(value)
        case .stringList(let values): return "[" + values.joined(separator: ", ") + "]"
        case .stringMap(let entries): return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    var jsonValue: JSONValue {
        switch self {
        case .string(let value): return .string(value)
        case .bool(let value): return .bool(value)
        case .integer(let value): return .integer(value)
        case .duration: return .string(description)
        case .stringList(let values): return .array(values.map(JSONValue.string))
        case .stringMap(let entries): return .object(entries.map { ($0.key, .string($0.value)) })
        }
    }
}

extension StageOption {
    /// The declaration as JSON, for `hss-export stages --json`.
    public var jsonValue: JSONValue {
        .object([
            ("name", .string(name)),
            ("type", .string(kind.displayName)),
            ("required", .bool(isRequired)),
            ("default", defaultValue?.jsonValue ?? .null),
            ("help", .string(help)),
        ])
    }
}
