/// A file a stage wrote, published so later stages (the manifest) can list it.
public struct Artifact: Sendable, Equatable {
    /// The type name of the stage that wrote it.
    public var stage: String
    /// The absolute path of the file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int
    /// Lower-case hex SHA-256 of its content.
    public var sha256: String

    /// Creates an artifact record.
    public init(stage: String, path: String, bytes: Int, sha256: String) {
        self.stage = stage
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// `{stage, path, bytes, sha256}`.
    public var jsonValue: JSONValue {
        .object([("stage", .string(stage)), ("path", .string(path)), ("bytes", .integer(bytes)), ("sha256", .string(sha256))])
    }
}
