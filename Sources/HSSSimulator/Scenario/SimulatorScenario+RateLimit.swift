import ExportStageKit

extension SimulatorScenario {
    /// At most `requests` accepted requests per user within any sliding window of `per`.
    public struct RateLimit: Codable, Sendable, Equatable {
        /// Requests allowed per window; at least 1.
        public var requests: Int
        /// The window length; positive.
        public var per: Duration

        /// Creates a rate limit.
        /// - Parameters:
        ///   - requests: Requests allowed per window; by default 600.
        ///   - per: The window length; by default 60 s.
        public init(requests: Int = 600, per: Duration = .seconds(60)) {
            self.requests = requests
            self.per = per
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["requests", "per"])
            requests = try container.decode(Int.self, forKey: "requests")
            if requests < 1 {
                throw container.invalid("requests", "must be at least 1, not \(requests)")
            }
            per = try container.duration("per") ?? .seconds(60)
            if per <= .zero {
                throw container.invalid("per", "must be longer than 0")
            }
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(requests, forKey: "requests")
            try container.encode(DurationText.format(per), forKey: "per")
        }
    }
}
