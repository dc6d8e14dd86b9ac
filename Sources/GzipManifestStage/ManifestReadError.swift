/// A manifest that could not be read: missing, not gzip, not JSON, or not
/// what the gzip-manifest stage writes.
///
/// Names the file, the problem (with the JSON location, e.g.
/// `archives[3].entries[0].crc32`) and a fix.
public struct ManifestReadError: Error, CustomStringConvertible, Sendable {
    /// The manifest file.
    public var path: String
    /// What is wrong with it.
    public var problem: String
    /// What to do about it.
    public var fix: String?

    /// Creates an error.
    public init(path: String, problem: String, fix: String? = nil) {
        self.path = path
        self.problem = problem
        self.fix = fix
    }

    /// `cannot read manifest PATH: PROBLEM (fix: …)`.
    public var description: String {
        "cannot read manifest \(path): \(problem)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}

/// A problem in the manifest's JSON, before the file name is known.
struct ManifestFormatError: Error, CustomStringConvertible {
    /// Where, e.g. `archives[3].bytes`, or `byte 1234` for a syntax error.
    var location: String
    /// What is wrong there.
    var message: String

    var description: String { "\(location): \(message)" }
}
