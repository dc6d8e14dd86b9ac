extension SimulatorScenario {
    /// An accepted access key pair. `description` never shows the secret key.
    public struct AccessKey: Codable, Sendable, Equatable, CustomStringConvertible {
        /// The access key id (AK).
        public var accessKey: String
        /// The secret access key (SK). Secret: never logged.
        public var secretKey: String

        /// Creates an access key pair.
        /// - Parameters:
        ///   - accessKey: The access key id (AK).
        ///   - secretKey: The secret access key (SK).
        public init(accessKey: String, secretKey: String) {
            self.accessKey = accessKey
            self.secretKey = secretKey
        }

        /// `AccessKey(HPUA…, secret_key: <redacted>)`.
        public var description: String { "AccessKey(\(accessKey), secret_key: <redacted>)" }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["access_key", "secret_key"])
            accessKey = try container.nonEmptyString("access_key")
            secretKey = try container.nonEmptyString("secret_key")
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(accessKey, forKey: "access_key")
            try container.encode(secretKey, forKey: "secret_key")
        }
    }
}
