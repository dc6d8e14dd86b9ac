import ExportStageKit

extension SimulatorScenario {
    /// The ECS metadata service of a server with an agency attached: `PUT
    /// /meta-data/latest/api/token` gives a session token, and every `GET
    /// /openstack/latest/securitykey` with it issues fresh temporary keys valid for `ttl`.
    public struct Metadata: Codable, Sendable, Equatable {
        /// How long each issued set of temporary keys is valid, from its fetch; positive.
        /// Real agencies give 15 minutes to 24 hours; tests use a few seconds.
        public var ttl: Duration
        /// The agency's name: every issued key acts as this one user (`agency:<name>`), so
        /// the per-user rate limits count all of them together, as HSS counts one agency.
        public var agency: String
        /// Whether the server has an agency attached; `false` makes every key fetch 401
        /// `Please configure Cloud Service Agency first`, as ECS answers then.
        public var attached: Bool

        /// The agency name when the scenario gives none.
        public static let defaultAgency = "ecs-agency"

        /// Creates a metadata service.
        /// - Parameters:
        ///   - ttl: How long issued keys are valid; by default 24 hours.
        ///   - agency: The agency's name; by default `ecs-agency`.
        ///   - attached: Whether an agency is attached; by default `true`.
        public init(ttl: Duration = .seconds(24 * 3600), agency: String = Metadata.defaultAgency, attached: Bool = true) {
            self.ttl = ttl
            self.agency = agency
            self.attached = attached
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["ttl", "agency", "attached"])
            ttl = try container.duration("ttl") ?? .seconds(24 * 3600)
            if ttl <= .zero {
                throw container.invalid("ttl", "must be longer than 0")
            }
            agency = try container.decodeIfPresent(String.self, forKey: "agency") ?? Self.defaultAgency
            if agency.isEmpty {
                throw container.invalid("agency", "must not be empty")
            }
            attached = try container.decodeIfPresent(Bool.self, forKey: "attached") ?? true
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(DurationText.format(ttl), forKey: "ttl")
            try container.encode(agency, forKey: "agency")
            if !attached {
                try container.encode(attached, forKey: "attached")
            }
        }
    }
}
