extension SimulatorScenario {
    /// An export task the simulator knows, with the script of its status answers.
    public struct ExportTask: Codable, Sendable, Equatable {
        /// The task id (`task_id`).
        public var id: String
        /// The task name (`task_name`).
        public var name: String
        /// The exported file's id (`file_id`), also the download path parameter.
        public var fileID: String
        /// The exported file's name (`file_name`).
        public var fileName: String
        /// The answers to successive polls; never empty.
        public var script: [ScriptStep]

        /// Creates a task.
        /// - Parameters:
        ///   - id: The task id.
        ///   - name: The task name; by default the id.
        ///   - fileID: The exported file's id; by default `file-<id>`.
        ///   - fileName: The exported file's name; by default `<id>.zip`.
        ///   - script: The answers to successive polls; must not be empty.
        public init(id: String, name: String? = nil, fileID: String? = nil, fileName: String? = nil, script: [ScriptStep]) {
            self.id = id
            self.name = name ?? id
            self.fileID = fileID ?? "file-\(id)"
            self.fileName = fileName ?? "\(id).zip"
            self.script = script
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["id", "name", "file_id", "file_name", "script"])
            let id = try container.nonEmptyString("id")
            let script = try container.decode([ScriptStep].self, forKey: "script")
            if script.isEmpty {
                throw container.invalid("script", "must have at least one step, e.g. '- {status: success}'")
            }
            self.init(
                id: id,
                name: try container.decodeIfPresent(String.self, forKey: "name"),
                fileID: try container.decodeIfPresent(String.self, forKey: "file_id"),
                fileName: try container.decodeIfPresent(String.self, forKey: "file_name"),
                script: script
            )
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(id, forKey: "id")
            try container.encode(name, forKey: "name")
            try container.encode(fileID, forKey: "file_id")
            try container.encode(fileName, forKey: "file_name")
            try container.encode(script, forKey: "script")
        }
    }
}
