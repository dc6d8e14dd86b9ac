public import ExportStageKit

/// One create request, ready to sign and send: what an `exports:` entry of
/// the pipeline file becomes.
///
/// The client sends the query sorted by key, then value (the canonical
/// order the signature covers), list values as repeated keys, and
/// the body encoded as the official SDK encodes it (`", "` and `": "`
/// separators, non-ASCII as `\uXXXX`), so the bytes signed are the bytes the
/// SDK would sign.
public struct ExportCreation: Sendable, Equatable {
    /// The SDK operation, e.g. `ExportVuls`: for logs and errors.
    public var operation: String
    /// The path after `/v5/{project_id}/`, e.g. `["vul", "export"]`.
    public var pathSegments: [String]
    /// Query items, one per value (a list gives one item per element).
    public var query: [QueryItem]
    /// The JSON body.
    public var body: JSONValue

    /// One query key and value, both unencoded.
    public struct QueryItem: Sendable, Equatable {
        /// The key.
        public var name: String
        /// The value, as text (`true`, `7`, `vul`).
        public var value: String

        /// Creates a query item.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a create request.
    public init(operation: String, pathSegments: [String], query: [QueryItem] = [], body: JSONValue) {
        self.operation = operation
        self.pathSegments = pathSegments
        self.query = query
        self.body = body
    }
}
