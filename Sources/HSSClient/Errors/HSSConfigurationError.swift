/// A client setting that cannot work: a malformed endpoint, region, CA file or proxy.
///
/// Raised when the client is created, before any request is sent.
public struct HSSConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The setting (or environment variable) that holds the bad value.
    public var setting: String
    /// The bad value as given. Never a secret: proxy passwords are removed first.
    public var value: String
    /// What is wrong with it.
    public var problem: String
    /// How to fix it.
    public var fix: String

    /// Creates a configuration error.
    public init(setting: String, value: String, problem: String, fix: String) {
        self.setting = setting
        self.value = value
        self.problem = problem
        self.fix = fix
    }

    /// `endpoint 'ftp://x' uses the scheme 'ftp'; use https://…`.
    public var description: String {
        "\(setting) '\(value)' \(problem); \(fix)"
    }
}
