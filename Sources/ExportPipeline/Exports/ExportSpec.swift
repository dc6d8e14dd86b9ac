/// One `exports:` entry of the pipeline file: an export task to create, then
/// wait for like a listed task.
public struct ExportSpec: Sendable, Equatable {
    /// Its name, unique in its source (`name:`, or the kind, numbered when a
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
    /// The index in ``Pipeline/sources`` of the source it is created in.
    public var source: Int
    /// That source's name in a `sources:` pipeline, `nil` for `source:`.
    public var sourceName: String?

    /// What tells it apart from every other export of the run, in the
    /// journal, `state --adopt` and messages: its name, after its source's in
    /// a `sources:` pipeline (`cn4-prod/vulnerabilities`), where every source
    /// has its own export of each top-level entry.
    public var key: String { sourceName.map { "\($0)/\(name)" } ?? name }

    /// Creates an export entry.
    public init(name: String, kind: String, creation: ExportCreation, fingerprint: String, source: Int = 0, sourceName: String? = nil) {
        self.name = name
        self.kind = kind
        self.creation = creation
        self.fingerprint = fingerprint
        self.source = source
        self.sourceName = sourceName
    }
}
