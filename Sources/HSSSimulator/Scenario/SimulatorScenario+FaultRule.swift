import ExportStageKit

extension SimulatorScenario {
    /// One injected failure of a route (query, create or download): what goes wrong
    /// (``Mode``) and for which requests (``Selector``).
    ///
    /// ```yaml
    /// faults:
    ///   query:
    ///     - {mode: html_502, every: 3}                  # the 3rd, 6th, 9th … query
    ///     - {mode: reset, first: 2}                     # the first two queries
    ///     - {mode: garbage_200, probability: 0.2, seed: 7}
    ///     - {mode: slow_drip, interval: 300ms}          # every query, one byte per 300 ms
    /// ```
    ///
    /// Requests are counted per route list from 1 (every authenticated request that reaches
    /// the route, before the rate limit, which faults do not spend); for each request the
    /// first rule that selects it applies. An injected fault never reaches the route: the
    /// task's script does not advance and nothing is created, except for `stall`,
    /// `slow_drip`, `truncated`, `wrong_types` and `huge_body`, which alter the route's real
    /// answer.
    public struct FaultRule: Codable, Sendable, Equatable {
        /// What goes wrong.
        public enum Mode: String, CaseIterable, Sendable {
            /// 500 with an HSS error body (`HSS.1000`).
            case status500 = "status_500"
            /// 502 with a load balancer's HTML page (`text/html`).
            case html502 = "html_502"
            /// The TCP connection is reset (RST) when the request arrives: no answer at all.
            case reset
            /// No answer for `duration` (by default until the client hangs up), then the real one.
            case stall
            /// The real answer, one byte every `interval`, then complete.
            case slowDrip = "slow_drip"
            /// A 200 head, then one byte (white space) every `interval`, never complete.
            case endlessDrip = "endless_drip"
            /// 200 `application/json` whose body is not JSON.
            case garbage200 = "garbage_200"
            /// 200 with a portal's HTML page (`text/html`), as a captive proxy sends.
            case html200 = "html_200"
            /// The real answer's `Content-Length`, half its body, then the connection closes.
            case truncated
            /// The real answer with a documented string field of the wrong type:
            /// `"task_status": 42` (query), `"task_id": false` (create).
            case wrongTypes = "wrong_types"
            /// The real answer padded to `size` bytes of valid JSON (a `padding` string).
            case hugeBody = "huge_body"
            /// 429 `APIG.0308` with `Retry-After` (`retry_after`, whole seconds).
            case throttled
            /// 429 `APIG.0308` without `Retry-After`.
            case throttledWithoutRetryAfter = "throttled_no_retry_after"

            /// Whether the mode needs a JSON answer to alter (not a download).
            var altersJSON: Bool { self == .wrongTypes || self == .hugeBody }
        }

        /// Which requests of the route get the fault.
        public enum Selector: Sendable, Equatable {
            /// Every request.
            case always
            /// Requests 1 to `n`.
            case first(Int)
            /// Requests `n`, `2n`, `3n`, …
            case every(Int)
            /// Each request with this probability, drawn from a generator seeded with `seed`,
            /// so a scenario injects the same faults in every run.
            case probability(Double, seed: UInt64)
        }

        /// The longest `stall`, `interval`, `duration` or `retry_after` accepted.
        public static let longestDelay = Duration.seconds(3600)
        /// The largest `huge_body` accepted: 1 GiB.
        public static let largestBody = 1 << 30

        /// What goes wrong.
        public var mode: Mode
        /// Which requests.
        public var selector: Selector
        /// `stall`: how long; `nil` until the client hangs up (at most ``longestDelay``).
        /// `endless_drip`: when to give up and close; `nil` never (until the client hangs up).
        public var duration: Duration?
        /// `slow_drip`, `endless_drip`: the time between two bytes.
        public var interval: Duration
        /// `huge_body`: the body's size in bytes.
        public var size: Int
        /// `throttled`: the `Retry-After`, in whole seconds.
        public var retryAfter: Duration

        /// Creates a rule.
        /// - Parameters:
        ///   - mode: What goes wrong.
        ///   - selector: Which requests; by default every one.
        ///   - duration: `stall` and `endless_drip`: how long; by default until the client hangs up.
        ///   - interval: Drips: the time between two bytes; by default 300 ms.
        ///   - size: `huge_body`: the body size; by default 5 MiB.
        ///   - retryAfter: `throttled`: the `Retry-After`; by default 1 s.
        public init(
            mode: Mode, selector: Selector = .always, duration: Duration? = nil, interval: Duration = .milliseconds(300),
            size: Int = 5 << 20, retryAfter: Duration = .seconds(1)
        ) {
            self.mode = mode
            self.selector = selector
            self.duration = duration
            self.interval = interval
            self.size = size
            self.retryAfter = retryAfter
        }

        static let keys = ["mode", "first", "every", "probability", "seed", "duration", "interval", "size", "retry_after"]

        /// Decodes scenario YAML, rejecting unknown keys and values out of range with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: Self.keys)
            let name = try container.nonEmptyString("mode")
            guard let mode = Mode(rawValue: name) else {
                throw container.invalid("mode", "unknown fault mode '\(name)'; allowed: \(Mode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.mode = mode
            let selectors = ["first", "every", "probability"].filter { container.contains(ScenarioKey($0)) }
            if selectors.count > 1 {
                throw container.invalid(selectors[1], "give at most one of first, every and probability")
            }
            func count(_ key: String) throws -> Int {
                let value = try container.decode(Int.self, forKey: ScenarioKey(key))
                guard (1...1_000_000_000).contains(value) else {
                    throw container.invalid(key, "must be between 1 and 1000000000, not \(value)")
                }
                return value
            }
            if container.contains("first") {
                selector = .first(try count("first"))
            } else if container.contains("every") {
                selector = .every(try count("every"))
            } else if container.contains("probability") {
                let probability = try container.decode(Double.self, forKey: "probability")
                guard probability.isFinite, (0...1).contains(probability) else {
                    throw container.invalid("probability", "must be between 0 and 1, not \(probability)")
                }
                let seed = try container.decodeIfPresent(Int.self, forKey: "seed") ?? 0
                guard seed >= 0 else { throw container.invalid("seed", "must not be negative, not \(seed)") }
                selector = .probability(probability, seed: UInt64(seed))
            } else {
                selector = .always
            }
            if container.contains("seed"), !selector.isProbability {
                throw container.invalid("seed", "applies only with probability")
            }
            func delay(_ key: String, minimum: Duration) throws -> Duration? {
                guard let value = try container.duration(key) else { return nil }
                guard value >= minimum, value <= Self.longestDelay else {
                    throw container.invalid(
                        key,
                        "must be between \(DurationText.format(minimum)) and \(DurationText.format(Self.longestDelay)), not \(DurationText.format(value))"
                    )
                }
                return value
            }
            duration = try delay("duration", minimum: .milliseconds(1))
            interval = try delay("interval", minimum: .milliseconds(1)) ?? .milliseconds(300)
            retryAfter = try delay("retry_after", minimum: .zero) ?? .seconds(1)
            size = try container.byteSize("size") ?? 5 << 20
            guard (1...Self.largestBody).contains(size) else {
                throw container.invalid("size", "must be between 1 byte and 1GB, not \(size)")
            }
            // A key that does nothing for the mode is most likely a mistake.
            let applicable: [Mode: [String]] = [
                .stall: ["duration"], .endlessDrip: ["duration", "interval"], .slowDrip: ["interval"], .hugeBody: ["size"],
                .throttled: ["retry_after"],
            ]
            for key in ["duration", "interval", "size", "retry_after"] where container.contains(ScenarioKey(key)) {
                if !(applicable[mode] ?? []).contains(key) {
                    throw container.invalid(key, "does not apply to the mode \(mode.rawValue)")
                }
            }
        }

        /// Encodes with the scenario file's keys and spellings, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encode(mode.rawValue, forKey: "mode")
            switch selector {
            case .always: break
            case .first(let n): try container.encode(n, forKey: "first")
            case .every(let n): try container.encode(n, forKey: "every")
            case .probability(let p, let seed):
                try container.encode(p, forKey: "probability")
                try container.encode(seed, forKey: "seed")
            }
            switch mode {
            case .stall:
                try container.encodeIfPresent(duration.map(DurationText.format), forKey: "duration")
            case .endlessDrip:
                try container.encodeIfPresent(duration.map(DurationText.format), forKey: "duration")
                try container.encode(DurationText.format(interval), forKey: "interval")
            case .slowDrip:
                try container.encode(DurationText.format(interval), forKey: "interval")
            case .hugeBody:
                try container.encode(size, forKey: "size")
            case .throttled:
                try container.encode(DurationText.format(retryAfter), forKey: "retry_after")
            default:
                break
            }
        }
    }
}

extension SimulatorScenario.FaultRule.Selector {
    var isProbability: Bool {
        if case .probability = self { return true }
        return false
    }
}
