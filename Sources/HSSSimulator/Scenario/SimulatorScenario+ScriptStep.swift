import ExportStageKit

extension SimulatorScenario {
    /// One step of a task's status script: what to answer, and for how long.
    public struct ScriptStep: Codable, Sendable, Equatable {
        /// What a poll answered by this step gets.
        public enum Answer: Sendable, Equatable {
            /// HTTP 200 with this `task_status`, verbatim.
            case status(String)
            /// This HTTP error status in HSS error format; `nil` code or message picks the
            /// documented default for the status.
            case httpError(status: Int, errorCode: String?, errorMessage: String?)
        }

        /// How long the step lasts.
        public enum Length: Sendable, Equatable {
            /// For this many polls.
            case polls(Int)
            /// Until this long after the step's first poll.
            case duration(Duration)
            /// Until this long after the scenario clock started: the simulator's first poll of
            /// any task. A step reached after that time answers no poll and is skipped.
            case until(Duration)
            /// For every remaining poll.
            case unlimited
        }

        /// What the step answers.
        public var answer: Answer
        /// How long the step lasts. The last step of a script lasts for ever whatever this says.
        public var length: Length

        /// Creates a step.
        /// - Parameters:
        ///   - answer: What the step answers.
        ///   - length: How long it lasts; by default for every remaining poll.
        public init(_ answer: Answer, length: Length = .unlimited) {
            self.answer = answer
            self.length = length
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["status", "http_status", "error_code", "error_msg", "polls", "for", "until"])
            let status = try container.decodeIfPresent(String.self, forKey: "status")
            let httpStatus = try container.decodeIfPresent(Int.self, forKey: "http_status")
            switch (status, httpStatus) {
            case (let status?, nil):
                if status.isEmpty {
                    throw container.invalid("status", "must not be empty; use success, failure, running or another word")
                }
                for key in ["error_code", "error_msg"] where container.contains(ScenarioKey(key)) {
                    throw container.invalid(key, "only applies to a step with 'http_status'")
                }
                answer = .status(status)
            case (nil, let httpStatus?):
                if !(400...599).contains(httpStatus) {
                    throw container.invalid("http_status", "must be an HTTP error status from 400 to 599, not \(httpStatus)")
                }
                answer = .httpError(
                    status: httpStatus,
                    errorCode: try container.decodeIfPresent(String.self, forKey: "error_code"),
                    errorMessage: try container.decodeIfPresent(String.self, forKey: "error_msg")
                )
            case (.some, .some):
                throw container.invalid(nil, "has both 'status' and 'http_status'; keep one")
            case (nil, nil):
                throw container.invalid(nil, "needs 'status' (e.g. {status: running, polls: 2}) or 'http_status' (e.g. {http_status: 503, polls: 1})")
            }
            let polls = try container.decodeIfPresent(Int.self, forKey: "polls")
            let duration = try container.duration("for")
            let until = try container.duration("until")
            let lengths = [polls.map { _ in "polls" }, duration.map { _ in "for" }, until.map { _ in "until" }].compactMap { $0 }
            if lengths.count > 1 {
                let listed = lengths.count == 2 ? "both '\(lengths[0])' and '\(lengths[1])'" : "'polls', 'for' and 'until'"
                throw container.invalid(nil, "has \(listed); keep one")
            }
            if let polls {
                if polls < 1 {
                    throw container.invalid("polls", "must be at least 1, not \(polls)")
                }
                length = .polls(polls)
            } else if let duration {
                if duration <= .zero {
                    throw container.invalid("for", "must be longer than 0")
                }
                length = .duration(duration)
            } else if let until {
                if until <= .zero {
                    throw container.invalid("until", "must be longer than 0")
                }
                length = .until(until)
            } else {
                length = .unlimited
            }
        }

        /// Encodes with the scenario file's keys and duration spelling, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            switch answer {
            case .status(let status):
                try container.encode(status, forKey: "status")
            case .httpError(let status, let code, let message):
                try container.encode(status, forKey: "http_status")
                try container.encodeIfPresent(code, forKey: "error_code")
                try container.encodeIfPresent(message, forKey: "error_msg")
            }
            switch length {
            case .polls(let polls): try container.encode(polls, forKey: "polls")
            case .duration(let duration): try container.encode(DurationText.format(duration), forKey: "for")
            case .until(let until): try container.encode(DurationText.format(until), forKey: "until")
            case .unlimited: break
            }
        }
    }
}
