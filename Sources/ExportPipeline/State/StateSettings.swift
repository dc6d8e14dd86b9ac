/// The pipeline's `state:` section: where a run keeps its journal and lock,
/// and how long finished runs' journals are kept.
public struct StateSettings: Sendable, Equatable {
    /// The state directory from the file (resolved), or `nil` for the default
    /// (see ``StateDirectory``).
    public var directory: String?
    /// How long a finished run's journal is kept, as the last runs' record.
    public var keep: Duration
    /// Appended to the pipeline's folder name in the state directory: a
    /// shard's `-shard-INDEX` (set by the loader), so shards of one pipeline
    /// on one host each have their own lock and journal; empty otherwise.
    public var folderSuffix: String = ""

    /// Creates state settings.
    ///
    /// - Parameters:
    ///   - directory: the state directory; default `nil`, the environment's default.
    ///   - keep: how long finished runs' journals are kept; default 30 days.
    public init(directory: String? = nil, keep: Duration = .seconds(30 * 24 * 3600)) {
        self.directory = directory
        self.keep = keep
    }
}
