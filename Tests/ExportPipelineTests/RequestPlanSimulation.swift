import ExportPipeline
import ExportStageKit

/// A discrete-event run of a ``RequestPlan`` against a simulated HSS: tasks
/// that finish at given times (from their creation, for created ones), a
/// server enforcing its own sliding-window budget per kind of request on
/// arrival (per budget group, as HSS counts per user), latency, and injected
/// 429s, 5xx and refused credentials. No clock and no concurrency,
/// so thousands of runs take a second and each is exactly repeatable.
struct RequestPlanSimulation {
    struct Configuration {
        var policy: WaitPolicy
        /// When each task turns `success`, from the start of the wait.
        var finishTimes: [Duration]
        /// The server's budget (what it answers 429 beyond).
        var serverLimit: WaitPolicy.RateLimit
        var latency: ClosedRange<Duration> = .milliseconds(20)...(.milliseconds(20))
        var throttleProbability = 0.0
        var serverErrorProbability = 0.0
        var seed: UInt64 = 1
        /// The tasks that start by being created (their finish time counts from then).
        var created: Set<Int> = []
        /// Whether every succeeded task is then downloaded.
        var downloads = false
        /// The budget group of each task; empty for one group.
        var groups: [Int] = []
        /// Groups whose credentials the server refuses.
        var refusedGroups: Set<Int> = []

        func group(of task: Int) -> Int { groups.isEmpty ? 0 : groups[task] }
    }

    struct Outcome {
        var outcomes: [TaskOutcome?]
        /// When each task ended, from the start.
        var endedAt: [Duration?]
        /// When the run saw each succeeded task succeed, minus its finish time.
        var detectionLags: [Duration]
        var requests = 0
        /// Requests of each kind.
        var requestsByKind: [RequestPlan.Kind: Int] = [:]
        /// 429s the server gave because our requests exceeded its budget (not injected ones).
        var overBudget = 0
        /// Requests the server received, per group.
        var requestsByGroup: [Int: Int] = [:]
        /// The most requests the server saw in flight at once, per group, before it first answered that group.
        var inFlightBeforeFirstAnswer: [Int: Int] = [:]
        /// Creates the server accepted, per task: never more than one.
        var creations: [Int: Int] = [:]
        var injectedThrottles = 0
        var finished = false
        var endedAtTime: Duration = .zero
    }

    private struct InFlight {
        var at: Duration
        var task: Int
        var kind: RequestPlan.Kind
        var request: Int
        var answer: RequestPlan.Answer
    }

    static func run(_ configuration: Configuration, maximumSteps: Int = 2_000_000) -> Outcome {
        let random = RandomSource.seeded(configuration.seed)
        let items = configuration.finishTimes.indices.map {
            RequestPlan.Item(
                firstStep: configuration.created.contains($0) ? .create : .query, downloads: configuration.downloads,
                group: configuration.group(of: $0))
        }
        var plan = RequestPlan(items: items, policy: configuration.policy, start: .init(offset: .zero), random: .seeded(configuration.seed &+ 1))
        // When each created task was created, at the server.
        var createdAt: [Int: Duration] = [:]
        var outcome = Outcome(
            outcomes: [], endedAt: Array(repeating: nil, count: configuration.finishTimes.count), detectionLags: []
        )
        var now = Duration.zero
        var inFlight: [InFlight] = []
        struct Budget: Hashable {
            var group: Int
            var kind: RequestPlan.Kind
        }
        var accepted: [Budget: [Duration]] = [:]
        var answeredGroups: Set<Int> = []
        func fraction() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        func latency() -> Duration {
            let range = configuration.latency
            return range.lowerBound + (range.upperBound - range.lowerBound) * fraction()
        }
        func recordEnded() {
            for index in plan.takeFinished() { outcome.endedAt[index] = now }
        }
        for _ in 0..<maximumSteps {
            let action = plan.next(now: .init(offset: now))
            recordEnded()
            switch action {
            case .done:
                outcome.finished = true
                outcome.outcomes = plan.outcomes
                outcome.requests = plan.requests
                for kind in RequestPlan.Kind.allCases { outcome.requestsByKind[kind] = plan.requests(of: kind) }
                outcome.endedAtTime = now
                return outcome
            case .send(let task, let kind, let request):
                let delay = latency()
                let arrival = now + delay / 2
                let answer: RequestPlan.Answer
                let windowStart = arrival - configuration.serverLimit.period
                let group = configuration.group(of: task)
                let budget = Budget(group: group, kind: kind)
                outcome.requestsByGroup[group, default: 0] += 1
                if !answeredGroups.contains(group) {
                    let open = inFlight.filter { configuration.group(of: $0.task) == group }.count + 1
                    outcome.inFlightBeforeFirstAnswer[group] = max(outcome.inFlightBeforeFirstAnswer[group] ?? 0, open)
                }
                accepted[budget, default: []].removeAll { $0 <= windowStart }
                if configuration.refusedGroups.contains(group) {
                    answer = .failure(.credentialsRejected)
                } else if fraction() < configuration.throttleProbability {
                    outcome.injectedThrottles += 1
                    answer = .failure(.throttled(retryAfter: .milliseconds(Int64(fraction() * 2000))))
                } else if accepted[budget, default: []].count >= configuration.serverLimit.requests {
                    outcome.overBudget += 1
                    answer = .failure(.throttled(retryAfter: nil))
                } else {
                    accepted[budget, default: []].append(arrival)
                    // A 5xx on a create leaves its outcome unknown: the plan must not resend it.
                    if fraction() < configuration.serverErrorProbability {
                        answer = .failure(kind == .create ? .outcomeUnknown : .transient)
                        if kind == .create { outcome.creations[task, default: 0] += 1 }
                    } else {
                        switch kind {
                        case .create:
                            outcome.creations[task, default: 0] += 1
                            createdAt[task] = arrival
                            answer = .created
                        case .download:
                            answer = .downloaded
                        case .query:
                            let finish = configuration.finishTimes[task] + (createdAt[task] ?? .zero)
                            if arrival >= finish {
                                answer = .status("success")
                                outcome.detectionLags.append(arrival - finish)
                            } else {
                                answer = .status("running")
                            }
                        }
                    }
                }
                inFlight.append(InFlight(at: now + delay, task: task, kind: kind, request: request, answer: answer))
            case .wait(let until):
                let nextAnswer = inFlight.map(\.at).min()
                guard let next = [until?.offset, nextAnswer].compactMap({ $0 }).min() else {
                    // Nothing in flight and nothing to wait for: the plan is stuck.
                    outcome.outcomes = plan.outcomes
                    return outcome
                }
                now = max(now, next)
                let due = inFlight.filter { $0.at <= now }.sorted { ($0.at, $0.request) < ($1.at, $1.request) }
                inFlight.removeAll { $0.at <= now }
                for answer in due {
                    answeredGroups.insert(configuration.group(of: answer.task))
                    plan.answered(
                        task: answer.task, kind: answer.kind, request: answer.request, answer: answer.answer, at: .init(offset: answer.at))
                }
                recordEnded()
            }
        }
        outcome.outcomes = plan.outcomes
        return outcome
    }

    /// The ideal scheduler the budget allows: requests evenly spaced at exactly
    /// the budget's rate, round robin over the unfinished tasks, answered at
    /// once. Returns the mean detection lag in seconds.
    static func idealMeanLag(finishTimes: [Duration], budget: WaitPolicy.RateLimit) -> Double {
        let spacing = budget.period / budget.requests
        var unfinished = Array(finishTimes.indices)
        var lags: [Double] = []
        var now = Duration.zero
        var next = 0
        while !unfinished.isEmpty {
            let task = unfinished[next % unfinished.count]
            if now >= finishTimes[task] {
                lags.append(DurationText.seconds(in: now - finishTimes[task]))
                unfinished.remove(at: next % unfinished.count)
            } else {
                next += 1
            }
            if !unfinished.isEmpty { next %= unfinished.count }
            now += spacing
        }
        return lags.reduce(0, +) / Double(max(lags.count, 1))
    }
}
