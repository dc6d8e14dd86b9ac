extension SimulatorScenario {
    /// A project besides the primary one (``SimulatorScenario/projectID``): HSS routes accept
    /// its id, exports created in it belong to it, and IAM's `GET /v3/projects` lists it.
    public struct Project: Codable, Sendable, Equatable {
        /// The project id, the `{project_id}` of its paths.
        public var id: String
        /// The project name, usually the region (`cn-north-4`) or a sub-project (`cn-north-4_dev`);
        /// what `GET /v3/projects?name=` matches. Several projects may share a name, to test a
        /// client's handling of an ambiguous lookup.
        public var name: String

        /// Creates a project.
        /// - Parameters:
        ///   - id: The project id.
        ///   - name: The project name.
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["id", "name"])
            id = try container.nonEmptyString("id")
            name = try container.nonEmptyString("name")
        }

        /// Encodes with the scenario file's keys, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(id, forKey: "id")
            try container.encode(name, forKey: "name")
        }
    }

    /// The name of the primary project when the scenario gives none.
    public static let defaultProjectName = "cn-north-4"

    /// Every project the simulator knows: the primary one first, then `projects` in file order.
    public var allProjects: [Project] {
        [Project(id: projectID, name: projectName)] + projects
    }

    /// Whether HSS routes accept `id` in their path.
    func knows(projectID id: String) -> Bool {
        id == projectID || projects.contains { $0.id == id }
    }
}
