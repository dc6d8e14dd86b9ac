extension SimulatorScenario {
    /// Per-API overrides of ``SimulatorScenario/rateLimit``. HSS counts each API on its own,
    /// per user: querying tasks, downloading files, and each create operation.
    public struct APIRateLimits: Codable, Sendable, Equatable {
        /// The limit of each create route (each counted on its own).
        public var create: RateLimit?
        /// The limit of `GET export-task/{task_id}`.
        public var query: RateLimit?
        /// The limit of `GET download/{file_id}`.
        public var download: RateLimit?

        /// Creates overrides; `nil` takes the scenario's `rate_limit`.
        public init(create: RateLimit? = nil, query: RateLimit? = nil, download: RateLimit? = nil) {
            self.create = create
            self.query = query
            self.download = download
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["create", "query", "download"])
            create = try container.decodeIfPresent(RateLimit.self, forKey: "create")
            query = try container.decodeIfPresent(RateLimit.self, forKey: "query")
            download = try container.decodeIfPresent(RateLimit.self, forKey: "download")
        }

        /// Encodes with the scenario file's keys, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encodeIfPresent(create, forKey: "create")
            try container.encodeIfPresent(query, forKey: "query")
            try container.encodeIfPresent(download, forKey: "download")
        }
    }

    /// The limit that applies to `api`: its override, else `rate_limit`.
    func rateLimit(for api: SimulatorAPI) -> RateLimit {
        switch api {
        case .query: return rateLimits.query ?? rateLimit
        case .download: return rateLimits.download ?? rateLimit
        case .create: return rateLimits.create ?? rateLimit
        }
    }

    /// The per-source-IP limit of `api`: its `rate_limits_per_ip` override, else
    /// `rate_limit_per_ip`, else `nil` (no per-IP limit).
    func ipRateLimit(for api: SimulatorAPI) -> RateLimit? {
        switch api {
        case .query: return rateLimitsPerIP.query ?? rateLimitPerIP
        case .download: return rateLimitsPerIP.download ?? rateLimitPerIP
        case .create: return rateLimitsPerIP.create ?? rateLimitPerIP
        }
    }

    /// The template for tasks created by `operation`: its `export_templates` entry over
    /// `export_template`.
    func template(for operation: ExportOperation) -> ExportTemplate {
        let base = exportTemplate ?? ExportTemplate()
        return exportTemplates[operation.kind]?.over(base) ?? base
    }
}
