/// An HSS operation that creates an export task, declared as data: its path,
/// and the parameters an `exports:` entry may set, where each goes (query or
/// body) and what it accepts. The loader checks entries against it and
/// builds the ``ExportCreation``; adding a kind is one entry in ``catalog``
/// and a test.
public struct ExportKind: Sendable {
    /// The name an `exports:` entry uses as `kind:`, e.g. `vulnerabilities`.
    public var name: String
    /// The SDK operation, e.g. `ExportVuls`.
    public var operation: String
    /// The path after `/v5/{project_id}/`.
    public var pathSegments: [String]
    /// What an entry may set, in the order the documentation lists them.
    public var parameters: [ExportParameter]
    /// How the body parameters are laid out.
    public var bodyShape: BodyShape
    /// Checks across parameters (time ranges, exclusive options).
    public var rules: [ExportRule]
    /// One line for `--help`-style listings and the docs.
    public var summary: String

    /// How the body is built from the parameters that go in it.
    public enum BodyShape: Sendable, Equatable {
        /// A JSON object of the body parameters (most kinds).
        case object
        /// The `export_headers` list itself is the body (ExportEventRequest).
        case bareHeaders
    }

    /// Creates a kind.
    public init(
        name: String, operation: String, pathSegments: [String], parameters: [ExportParameter],
        bodyShape: BodyShape = .object, rules: [ExportRule] = [], summary: String
    ) {
        self.name = name
        self.operation = operation
        self.pathSegments = pathSegments
        self.parameters = parameters
        self.bodyShape = bodyShape
        self.rules = rules
        self.summary = summary
    }
}

/// One parameter of an ``ExportKind``.
public struct ExportParameter: Sendable {
    /// The key in the `exports:` entry (the API's own name).
    public var name: String
    /// Where it is sent.
    public var location: Location
    /// What it accepts.
    public var type: ValueType
    /// Whether an entry must set it.
    public var required: Bool
    /// Sent when the entry does not set it (e.g. the monthly report's `type`).
    public var defaultValue: String?
    /// A value to show in "add '…'" fixes and the docs, as written in YAML
    /// (`[[vul_name, Vulnerability]]`); derived from the type when nil.
    public var example: String?

    /// Where a parameter goes.
    public enum Location: Sendable, Equatable {
        /// The query string.
        case query
        /// A key of the body object, or nested (`["operational_report_data", "report_id"]`);
        /// `[]` is the body itself (the bare header list of ``ExportKind/BodyShape/bareHeaders``).
        case body(path: [String])
    }

    /// What a parameter accepts.
    public enum ValueType: Sendable, Equatable {
        /// Any non-empty string (at most `maximumLength` characters, when set).
        case string(maximumLength: Int?)
        /// One of the listed strings.
        case oneOf([String])
        /// An integer, in `range` when set.
        case integer(range: ClosedRange<Int>?)
        /// `true` or `false`.
        case boolean
        /// A list of strings.
        case stringList
        /// A list of integers.
        case integerList
        /// `[[field, title], ...]`: non-empty string pairs.
        case headers
    }

    /// Creates a parameter.
    public init(
        _ name: String, in location: Location, _ type: ValueType, required: Bool = false, defaultValue: String? = nil, example: String? = nil
    ) {
        self.name = name
        self.location = location
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.example = example
    }
}

/// A check across the parameters of one entry.
public enum ExportRule: Sendable, Equatable {
    /// Setting the first excludes setting the second (`last_days` and `begin_time`).
    case exclusive(String, String)
    /// Both or neither (`begin_time` and `end_time`).
    case together(String, String)
    /// `end - begin`, both epoch milliseconds, is positive and at most `maximumMilliseconds`.
    case timeRange(begin: String, end: String, maximumMilliseconds: Int)
    /// The string parameter holds a JSON object (the assets' `search_param`).
    case jsonObject(String)
}
