import ExportStageKit

extension SimulatorScenario {
    /// The zip a created task's download serves: CSV entries of seeded rows, the same bytes
    /// for the same file id on every download.
    public struct Archive: Codable, Sendable, Equatable {
        /// The number of CSV entries; default 2, or the number of `entryNames`.
        public var entries: Int?
        /// Data rows per entry (after the header line); default 25. Not with `bytes`.
        public var rows: Int?
        /// The exact size of the zip file in bytes, filled with rows; streamed, never held in
        /// memory. Not with `rows`. Too small a size for the headers gives the smallest archive.
        public var bytes: Int?
        /// The entry names, verbatim (`../evil.csv`, `/etc/passwd` for zip-slip tests);
        /// default `<kind>-<n>.csv`.
        public var entryNames: [String]?

        /// The largest `bytes`: the archive is written without Zip64.
        public static let maximumBytes = 4_000_000_000
        /// The most entries an archive may have.
        public static let maximumEntries = 10_000

        /// Creates an archive description; every value is optional.
        /// - Parameters:
        ///   - entries: The number of CSV entries.
        ///   - rows: Data rows per entry.
        ///   - bytes: The exact zip size.
        ///   - entryNames: The entry names, verbatim.
        public init(entries: Int? = nil, rows: Int? = nil, bytes: Int? = nil, entryNames: [String]? = nil) {
            self.entries = entries
            self.rows = rows
            self.bytes = bytes
            self.entryNames = entryNames
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["entries", "rows", "bytes", "entry_names"])
            entries = try container.decodeIfPresent(Int.self, forKey: "entries")
            rows = try container.decodeIfPresent(Int.self, forKey: "rows")
            bytes = try container.byteSize("bytes")
            entryNames = try container.decodeIfPresent([String].self, forKey: "entry_names")
            if let entries, !(1...Self.maximumEntries).contains(entries) {
                throw container.invalid("entries", "must be from 1 to \(Self.maximumEntries), not \(entries)")
            }
            if let rows, !(0...100_000_000).contains(rows) {
                throw container.invalid("rows", "must be from 0 to 100000000, not \(rows)")
            }
            if let bytes, !(1...Self.maximumBytes).contains(bytes) {
                throw container.invalid("bytes", "must be from 1 to \(Self.maximumBytes) (no Zip64), not \(bytes)")
            }
            if rows != nil && bytes != nil {
                throw container.invalid(nil, "has both 'rows' and 'bytes'; keep one (bytes fills the archive with rows)")
            }
            if let entryNames {
                if entryNames.isEmpty || entryNames.count > Self.maximumEntries {
                    throw container.invalid("entry_names", "must list 1 to \(Self.maximumEntries) names")
                }
                if let index = entryNames.firstIndex(where: { $0.isEmpty || $0.utf8.count > 65_535 }) {
                    throw container.invalid("entry_names", "entry_names[\(index)] must be 1 to 65535 bytes long")
                }
                if let entries, entries != entryNames.count {
                    throw container.invalid("entries", "is \(entries) but entry_names lists \(entryNames.count); drop one of them")
                }
            }
        }

        /// Encodes with the scenario file's keys and size spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encodeIfPresent(entries, forKey: "entries")
            try container.encodeIfPresent(rows, forKey: "rows")
            try container.encodeIfPresent(bytes.map(ByteSizeText.format), forKey: "bytes")
            try container.encodeIfPresent(entryNames, forKey: "entry_names")
        }
    }
}
