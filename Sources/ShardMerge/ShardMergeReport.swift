/// What `merge` wrote.
public struct ShardMergeReport: Sendable, Equatable {
    /// One merged output.
    public struct Output: Sendable, Equatable {
        /// The stage's type (`jsonl`, `csv`, `gzip-manifest`).
        public var stage: String
        /// The merged file.
        public var path: String
        /// The shards' files it was made from, by shard index.
        public var inputs: [String]
        /// Records (lines, rows, manifest results) it holds.
        public var records: Int
        /// Its size in bytes.
        public var bytes: Int
        /// Its SHA-256, lower-case hex.
        public var sha256: String
    }

    /// The merge's own run id (the merged manifest's `run_id`).
    public var runID: String
    /// The merged outputs, in stage order.
    public var outputs: [Output]
    /// Stages whose outputs stay per shard (Prometheus textfiles, exec), as
    /// `type (stage N)`.
    public var skipped: [String]
    /// The shards' run ids, by shard index, as their manifests (or records) name them; `nil` when unknown.
    public var shardRunIDs: [String?]
}
