import ExportStageKit

extension SimulatorScenario {
    /// Failures and delays injected into queries, creates and downloads, for tests of a
    /// client's recovery: ``FaultRule`` lists per route, plus the older download truncation
    /// and delays.
    public struct Faults: Codable, Sendable, Equatable {
        /// Faults of `GET export-task/{task_id}`.
        public var query: [FaultRule]
        /// Faults of the create routes (all six counted together).
        public var create: [FaultRule]
        /// Faults of `GET download/{file_id}`.
        public var download: [FaultRule]
        /// The first this many downloads of every file are cut off: the full `Content-Length`
        /// is announced, part of the body is sent, then the connection is closed.
        public var truncateDownloads: Int
        /// Where a cut-off download stops, in bytes; default half the file.
        public var truncateAfter: Int?
        /// A delay after a task is created and before the answer, so a client killed or timed
        /// out meanwhile leaves a task it never heard of.
        public var createLatency: Duration?
        /// A delay before a download's answer.
        public var downloadLatency: Duration?
        /// A download's pace in bytes per second, so a client can be killed mid-body.
        public var downloadRate: Int?

        /// Creates fault settings; by default no faults.
        /// - Parameters:
        ///   - truncateDownloads: Downloads per file to cut off.
        ///   - truncateAfter: Where to cut, in bytes; `nil` for half the file.
        ///   - createLatency: Delay after creating, before answering.
        ///   - downloadLatency: Delay before a download's answer.
        ///   - downloadRate: Bytes per second of a download body; `nil` for full speed.
        ///   - query: Fault rules of the query route.
        ///   - create: Fault rules of the create routes.
        ///   - download: Fault rules of the download route.
        public init(
            truncateDownloads: Int = 0, truncateAfter: Int? = nil, createLatency: Duration? = nil, downloadLatency: Duration? = nil,
            downloadRate: Int? = nil, query: [FaultRule] = [], create: [FaultRule] = [], download: [FaultRule] = []
        ) {
            self.query = query
            self.create = create
            self.download = download
            self.truncateDownloads = truncateDownloads
            self.truncateAfter = truncateAfter
            self.createLatency = createLatency
            self.downloadLatency = downloadLatency
            self.downloadRate = downloadRate
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: [
                "truncate_downloads", "truncate_after", "create_latency", "download_latency", "download_rate", "query", "create", "download",
            ])
            query = try container.decodeIfPresent([FaultRule].self, forKey: "query") ?? []
            create = try container.decodeIfPresent([FaultRule].self, forKey: "create") ?? []
            download = try container.decodeIfPresent([FaultRule].self, forKey: "download") ?? []
            for (index, rule) in download.enumerated() where rule.mode.altersJSON {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath + [ScenarioKey("download"), ScenarioKey(index: index), ScenarioKey("mode")],
                        debugDescription: "the mode \(rule.mode.rawValue) alters a JSON answer, so it applies to query and create, not download"
                    ))
            }
            truncateDownloads = try container.decodeIfPresent(Int.self, forKey: "truncate_downloads") ?? 0
            if truncateDownloads < 0 {
                throw container.invalid("truncate_downloads", "must not be negative, not \(truncateDownloads)")
            }
            truncateAfter = try container.byteSize("truncate_after")
            if let truncateAfter, truncateAfter < 0 {
                throw container.invalid("truncate_after", "must not be negative")
            }
            createLatency = try container.duration("create_latency")
            downloadLatency = try container.duration("download_latency")
            for (key, value) in [("create_latency", createLatency), ("download_latency", downloadLatency)] where (value ?? .zero) < .zero {
                throw container.invalid(key, "must not be negative")
            }
            downloadRate = try container.byteSize("download_rate")
            if let downloadRate, downloadRate < 1 {
                throw container.invalid("download_rate", "must be at least 1 byte per second")
            }
        }

        /// Encodes with the scenario file's keys and spellings, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(truncateDownloads, forKey: "truncate_downloads")
            try container.encodeIfPresent(truncateAfter, forKey: "truncate_after")
            try container.encodeIfPresent(createLatency.map(DurationText.format), forKey: "create_latency")
            try container.encodeIfPresent(downloadLatency.map(DurationText.format), forKey: "download_latency")
            try container.encodeIfPresent(downloadRate, forKey: "download_rate")
            for (key, rules) in [("query", query), ("create", create), ("download", download)] where !rules.isEmpty {
                try container.encode(rules, forKey: ScenarioKey(key))
            }
        }
    }
}
