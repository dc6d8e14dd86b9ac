/// A scenario that cannot be used: where it is wrong, what is wrong, and how to fix it.
///
/// `description` reads like `scenario.yaml:12:9: tasks[1].script[0].for: bad duration '2x'; …`.
public struct SimulatorScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file name (or `scenario` for text).
    public var source: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The 1-based column, when known.
    public var column: Int?
    /// The key path of the bad value, like `tasks[1].script[0].for`; empty for the document.
    public var keyPath: String
    /// What is wrong, including the fix.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - source: The file name.
    ///   - line: The 1-based line, when known.
    ///   - column: The 1-based column, when known.
    ///   - keyPath: The key path of the bad value; empty for the whole document.
    ///   - message: What is wrong.
    ///   - fix: How to fix it, appended to `message`.
    public init(source: String, line: Int? = nil, column: Int? = nil, keyPath: String = "", message: String, fix: String? = nil) {
        self.source = source
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = fix.map { "\(message); \($0)" } ?? message
    }

    /// `source:line:column: keyPath: message`.
    public var description: String {
        var location = source
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}
