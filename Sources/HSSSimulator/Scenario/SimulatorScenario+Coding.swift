import ExportStageKit

extension SimulatorScenario {
    /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ScenarioKey.self)
        try container.rejectUnknownKeys(allowed: ["project_id", "tokens", "access_keys", "rate_limit", "latency", "tasks"])
        self.init(
            projectID: try container.nonEmptyString("project_id"),
            tokens: try container.decodeIfPresent([String].self, forKey: "tokens") ?? [],
            accessKeys: try container.decodeIfPresent([AccessKey].self, forKey: "access_keys") ?? [],
            rateLimit: try container.decodeIfPresent(RateLimit.self, forKey: "rate_limit") ?? RateLimit(),
            latency: try container.duration("latency"),
            tasks: try container.decodeIfPresent([ExportTask].self, forKey: "tasks") ?? []
        )
        if let latency, latency < .zero {
            throw container.invalid("latency", "must not be negative")
        }
        if tokens.isEmpty && accessKeys.isEmpty {
            throw container.invalid(
                nil,
                "accepts no credentials, so every request would get 401; add 'tokens: [my-token]' or 'access_keys: [{access_key: AK, secret_key: SK}]'"
            )
        }
        if tokens.contains(where: \.isEmpty) {
            throw container.invalid("tokens", "must not contain an empty token")
        }
        var seen: [String: Int] = [:]
        for (index, task) in tasks.enumerated() {
            if let first = seen[task.id] {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath + [ScenarioKey("tasks"), ScenarioKey(index: index), ScenarioKey("id")],
                        debugDescription: "duplicate task id '\(task.id)' (also tasks[\(first)]); give every task its own id"
                    ))
            }
            seen[task.id] = index
        }
    }

    /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScenarioKey.self)
        try container.encode(projectID, forKey: "project_id")
        try container.encode(tokens, forKey: "tokens")
        try container.encode(accessKeys, forKey: "access_keys")
        try container.encode(rateLimit, forKey: "rate_limit")
        try container.encodeIfPresent(latency.map(DurationText.format), forKey: "latency")
        try container.encode(tasks, forKey: "tasks")
    }
}
