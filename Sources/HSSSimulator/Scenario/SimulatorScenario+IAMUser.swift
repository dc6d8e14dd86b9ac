extension SimulatorScenario {
    /// An IAM user that may log in with a password. `description` never shows the password.
    public struct IAMUser: Codable, Sendable, Equatable, CustomStringConvertible {
        /// The user name.
        public var name: String
        /// The name of the user's domain (the account).
        public var domain: String
        /// The password. Secret: never logged.
        public var password: String

        /// Creates a user.
        /// - Parameters:
        ///   - name: The user name.
        ///   - domain: The domain (account) name.
        ///   - password: The password.
        public init(name: String, domain: String, password: String) {
            self.name = name
            self.domain = domain
            self.password = password
        }

        /// `IAMUser(domain/name, password: <redacted>)`.
        public var description: String { "IAMUser(\(domain)/\(name), password: <redacted>)" }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["name", "domain", "password"])
            name = try container.nonEmptyString("name")
            domain = try container.nonEmptyString("domain")
            password = try container.nonEmptyString("password")
        }

        /// Encodes with the scenario file's keys, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(name, forKey: "name")
            try container.encode(domain, forKey: "domain")
            try container.encode(password, forKey: "password")
        }
    }
}
