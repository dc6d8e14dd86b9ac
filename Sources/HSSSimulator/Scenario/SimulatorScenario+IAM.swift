import ExportStageKit

extension SimulatorScenario {
    /// The IAM routes: password logins (`POST /v3/auth/tokens`) for `users`, giving tokens
    /// valid for `tokenTTL`, and the project list (`GET /v3/projects`).
    public struct IAM: Codable, Sendable, Equatable {
        /// The IAM users that may log in with a password.
        public var users: [IAMUser]
        /// How long an issued token is valid; positive. IAM's tokens last 24 hours.
        public var tokenTTL: Duration

        /// Creates the IAM settings.
        /// - Parameters:
        ///   - users: The users that may log in; by default none.
        ///   - tokenTTL: How long issued tokens are valid; by default 24 hours.
        public init(users: [IAMUser] = [], tokenTTL: Duration = .seconds(24 * 3600)) {
            self.users = users
            self.tokenTTL = tokenTTL
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["users", "token_ttl"])
            users = try container.decodeIfPresent([IAMUser].self, forKey: "users") ?? []
            tokenTTL = try container.duration("token_ttl") ?? .seconds(24 * 3600)
            if tokenTTL <= .zero {
                throw container.invalid("token_ttl", "must be longer than 0")
            }
            var seen: Set<String> = []
            for user in users where !seen.insert("\(user.domain)/\(user.name)").inserted {
                throw container.invalid("users", "lists user '\(user.name)' of domain '\(user.domain)' twice; keep one")
            }
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(users, forKey: "users")
            try container.encode(DurationText.format(tokenTTL), forKey: "token_ttl")
        }
    }
}
