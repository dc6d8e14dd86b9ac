import ExportStageKit

extension SimulatorScenario {
    /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ScenarioKey.self)
        try container.rejectUnknownKeys(allowed: [
            "project_id", "tokens", "access_keys", "rate_limit", "rate_limits", "latency", "tasks", "export_template", "export_templates", "faults",
            "project_name", "projects", "metadata", "iam", "rate_limit_per_ip", "rate_limits_per_ip",
        ])
        self.init(
            projectID: try container.nonEmptyString("project_id"),
            tokens: try container.decodeIfPresent([String].self, forKey: "tokens") ?? [],
            accessKeys: try container.decodeIfPresent([AccessKey].self, forKey: "access_keys") ?? [],
            rateLimit: try container.decodeIfPresent(RateLimit.self, forKey: "rate_limit") ?? RateLimit(),
            latency: try container.duration("latency"),
            tasks: try container.decodeIfPresent([ExportTask].self, forKey: "tasks") ?? [],
            rateLimits: try container.decodeIfPresent(APIRateLimits.self, forKey: "rate_limits") ?? APIRateLimits(),
            exportTemplate: try container.decodeIfPresent(ExportTemplate.self, forKey: "export_template"),
            exportTemplates: try Self.decodeTemplates(container),
            faults: try container.decodeIfPresent(Faults.self, forKey: "faults") ?? Faults(),
            projectName: try container.decodeIfPresent(String.self, forKey: "project_name") ?? Self.defaultProjectName,
            projects: try container.decodeIfPresent([Project].self, forKey: "projects") ?? [],
            metadata: try container.decodeIfPresent(Metadata.self, forKey: "metadata"),
            iam: try container.decodeIfPresent(IAM.self, forKey: "iam") ?? IAM(),
            rateLimitPerIP: try container.decodeIfPresent(RateLimit.self, forKey: "rate_limit_per_ip"),
            rateLimitsPerIP: try container.decodeIfPresent(APIRateLimits.self, forKey: "rate_limits_per_ip") ?? APIRateLimits()
        )
        if projectName.isEmpty {
            throw container.invalid("project_name", "must not be empty")
        }
        var projectIndex: [String: Int] = [:]
        for (index, project) in projects.enumerated() {
            if project.id == projectID {
                throw container.invalid("projects", "projects[\(index)] has the id of project_id '\(projectID)'; list only the other projects")
            }
            if let first = projectIndex[project.id] {
                throw container.invalid("projects", "duplicate project id '\(project.id)' (also projects[\(first)]); give every project its own id")
            }
            projectIndex[project.id] = index
        }
        if let latency, latency < .zero {
            throw container.invalid("latency", "must not be negative")
        }
        if tokens.isEmpty && accessKeys.isEmpty && metadata == nil && iam.users.isEmpty {
            throw container.invalid(
                nil,
                "accepts no credentials, so every request would get 401; add 'tokens: [my-token]', 'access_keys: [{access_key: AK, secret_key: SK}]', "
                    + "'metadata: {ttl: 1h}' or 'iam: {users: [{name: U, domain: D, password: P}]}'"
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
        if rateLimits != APIRateLimits() {
            try container.encode(rateLimits, forKey: "rate_limits")
        }
        try container.encodeIfPresent(exportTemplate, forKey: "export_template")
        if !exportTemplates.isEmpty {
            try container.encode(exportTemplates, forKey: "export_templates")
        }
        if faults != Faults() {
            try container.encode(faults, forKey: "faults")
        }
        if projectName != Self.defaultProjectName {
            try container.encode(projectName, forKey: "project_name")
        }
        if !projects.isEmpty {
            try container.encode(projects, forKey: "projects")
        }
        try container.encodeIfPresent(metadata, forKey: "metadata")
        if iam != IAM() {
            try container.encode(iam, forKey: "iam")
        }
        try container.encodeIfPresent(rateLimitPerIP, forKey: "rate_limit_per_ip")
        if rateLimitsPerIP != APIRateLimits() {
            try container.encode(rateLimitsPerIP, forKey: "rate_limits_per_ip")
        }
    }

    /// `export_templates`, keyed by kind name whichever spelling the file used.
    private static func decodeTemplates(_ container: KeyedDecodingContainer<ScenarioKey>) throws -> [String: ExportTemplate] {
        guard container.contains("export_templates") else { return [:] }
        let nested = try container.nestedContainer(keyedBy: ScenarioKey.self, forKey: "export_templates")
        let kinds = ExportOperation.allCases.map(\.kind)
        var templates: [String: ExportTemplate] = [:]
        var spelled: [String: String] = [:]
        for key in nested.allKeys {
            guard let operation = ExportOperation.named(key.stringValue) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: nested.codingPath + [key],
                        debugDescription:
                            "unknown export kind '\(key.stringValue)'; allowed here: \(kinds.joined(separator: ", ")) (or their SDK operation or path, e.g. ExportVuls or vul/export)"
                    ))
            }
            if let other = spelled[operation.kind] {
                throw nested.invalid(key.stringValue, "names the same kind as '\(other)' (\(operation.kind)); keep one")
            }
            spelled[operation.kind] = key.stringValue
            templates[operation.kind] = try nested.decode(ExportTemplate.self, forKey: key)
        }
        return templates
    }
}
