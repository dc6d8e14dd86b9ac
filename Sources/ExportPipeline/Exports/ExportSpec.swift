/// One `exports:` entry of the pipeline file: an export task to create, then
/// wait for like a listed task.
public struct ExportSpec: Sendable, Equatable {
    /// Its name, unique in the file (`name:`, or the kind, numbered when a
    /// kind appears twice: `vulnerabilities`, `vulnerabilities-2`). Records
    /// carry it as `export`; the journal keys created tasks by it.
    public var name: String
    /// The kind's name, e.g. `vulnerabilities` (see ``ExportKind/catalog``).
    public var kind: String
    /// The request that creates it.
    public var creation: ExportCreation
    /// Lower-case hex SHA-256 of the kind and the request: a changed entry
    /// is a new export, not the one a killed run created.
    public var fingerprint: String

    /// Creates an export entry.
    public init(name: String, kind: String, creation: ExportCreation, fingerprint: String) {
        self.name = name
        self.kind = kind
        self.creation = creation
        self.fingerprint = fingerprint
    }
}
