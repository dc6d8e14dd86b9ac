/// The options of one configured stage, type-checked against its declarations.
///
/// Accessors return the value from the file or the declared default; asking
/// for an undeclared option or the wrong type is a programming error in the
/// stage and traps, because the loader has already checked the file.
public struct StageOptions: Sendable {
    private let values: [String: StageOptionValue]
    private let declarations: [String: StageOption]
    /// The directory relative output paths resolve against.
    public let baseDirectory: String

    /// Creates options; the loader does this after checking types. Tests and
    /// code that builds stages directly can use it too.
    public init(_ values: [String: StageOptionValue], declarations: [StageOption], baseDirectory: String) {
        self.values = values
        self.declarations = Dictionary(declarations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.baseDirectory = baseDirectory
    }

    /// The option's value, or its default, or `nil`.
    public func value(_ name: String) -> StageOptionValue? {
        precondition(declarations[name] != nil, "stage asked for undeclared option '\(name)'")
        return values[name] ?? declarations[name]?.defaultValue
    }

    /// A string, choice or output-path option (paths come back resolved).
    public func string(_ name: String) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let string) = value else { preconditionFailure("option '\(name)' is not a string") }
        if declarations[name]?.kind == .outputPath {
            return FilePath.resolve(string, against: baseDirectory)
        }
        return string
    }

    /// A boolean option.
    public func bool(_ name: String) -> Bool? {
        guard let value = value(name) else { return nil }
        guard case .bool(let bool) = value else { preconditionFailure("option '\(name)' is not a bool") }
        return bool
    }

    /// An integer option.
    public func integer(_ name: String) -> Int? {
        guard let value = value(name) else { return nil }
        guard case .integer(let integer) = value else { preconditionFailure("option '\(name)' is not an integer") }
        return integer
    }

    /// A duration option.
    public func duration(_ name: String) -> Duration? {
        guard let value = value(name) else { return nil }
        guard case .duration(let duration) = value else { preconditionFailure("option '\(name)' is not a duration") }
        return duration
    }

    /// A list-of-strings option.
    public func stringList(_ name: String) -> [String]? {
        guard let value = value(name) else { return nil }
        guard case .stringList(let list) = value else { preconditionFailure("option '\(name)' is not a list") }
        return list
    }

    /// A string-map option, in file order.
    public func stringMap(_ name: String) -> [StageOptionValue.KeyValue]? {
        guard let value = value(name) else { return nil }
        guard case .stringMap(let map) = value else { preconditionFailure("option '\(name)' is not a map") }
        return map
    }
}

/// A well-typed option value that a stage rejects, reported by the loader at
/// the option's location in the pipeline file.
public struct StageOptionError: Error, CustomStringConvertible, Sendable {
    /// The option's name; `nil` when the problem is the stage as a whole.
    public var option: String?
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var fix: String?

    /// Creates an error for `option`.
    public init(option: String?, message: String, fix: String? = nil) {
        self.option = option
        self.message = message
        self.fix = fix
    }

    /// `option 'name': message; fix`.
    public var description: String {
        let subject = option.map { "option '\($0)': " } ?? ""
        return subject + message + (fix.map { "; \($0)" } ?? "")
    }
}
