/// The routes a scenario's fault rules apply to; all six create routes count as one.
enum FaultRoute: String, Sendable, Hashable {
    case query, create, download
}

extension SimulatorAPI {
    /// The fault rules' route of this API.
    var faultRoute: FaultRoute {
        switch self {
        case .query: return .query
        case .download: return .download
        case .create: return .create
        }
    }
}

/// Which request of one route gets which fault: the route's rules, a request counter and
/// one seeded generator per `probability` rule, so a scenario injects the same faults in
/// every run.
struct FaultSchedule: Sendable {
    private let rules: [SimulatorScenario.FaultRule]
    private var generators: [SeededGenerator?]
    /// Requests counted so far.
    private(set) var requests = 0

    init(rules: [SimulatorScenario.FaultRule]) {
        self.rules = rules
        generators = rules.map { rule in
            if case .probability(_, let seed) = rule.selector { return SeededGenerator(seed: seed) }
            return nil
        }
    }

    /// Counts one request and returns the first rule that selects it.
    mutating func next() -> SimulatorScenario.FaultRule? {
        requests += 1
        var chosen: SimulatorScenario.FaultRule?
        for index in rules.indices {
            let selected: Bool
            switch rules[index].selector {
            case .always:
                selected = true
            case .first(let count):
                selected = requests <= count
            case .every(let period):
                selected = requests % period == 0
            case .probability(let probability, _):
                // Every probability rule draws for every request, so one rule's draws do not
                // depend on whether an earlier rule matched.
                let draw = generators[index]?.next() ?? 0
                selected = Double(draw >> 11) / Double(UInt64(1) << 53) < probability
            }
            if selected && chosen == nil {
                chosen = rules[index]
            }
        }
        return chosen
    }
}
