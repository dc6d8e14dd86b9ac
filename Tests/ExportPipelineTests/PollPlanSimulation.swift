import ExportPipeline
import ExportStageKit

/// A discrete-event run of a ``PollPlan`` against a simulated HSS: tasks that
/// finish at given times, a server enforcing its own sliding-window budget on
/// arrival, latency, and injected 429s and 5xx. No clock and no concurrency,
/// so thousands of runs take a second and each is exactly repeatable.
struct PollPlanSimulation {
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
    }

    struct Outcome {
        var outcomes: [TaskOutcome?]
        /// When each task ended, from the start.
        var endedAt: [Duration?]
        /// When the run saw each succeeded task succeed, minus its finish time.
        var detectionLags: [Duration]
        var requests = 0
        /// 429s the server gave because our requests exceeded its budget (not injected ones).
        var overBudget = 0
        var injectedThrottles = 0
        var finished = false
        var endedAtTime: Duration = .zero
    }

    private struct InFlight {
        var at: Duration
        var task: Int
        var request: Int
        var answer: PollPlan.Answer
    }

    static func run(_ configuration: Configuration, maximumSteps: Int = 2_000_000) -> Outcome {
        let random = RandomSource.seeded(configuration.seed)
        var plan = PollPlan(
            taskCount: configuration.finishTimes.count, policy: configuration.policy, start: .init(offset: .zero),
            random: .seeded(configuration.seed &+ 1)
        )
        var outcome = Outcome(
            outcomes: [], endedAt: Array(repeating: nil, count: configuration.finishTimes.count), detectionLags: []
        )
        var now = Duration.zero
        var inFlight: [InFlight] = []
        var accepted: [Duration] = []
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
                outcome.endedAtTime = now
                return outcome
            case .send(let task, let request):
                let delay = latency()
                let arrival = now + delay / 2
                let answer: PollPlan.Answer
                let windowStart = arrival - configuration.serverLimit.period
                accepted.removeAll { $0 <= windowStart }
                if fraction() < configuration.throttleProbability {
                    outcome.injectedThrottles += 1
                    answer = .failure(.throttled(retryAfter: .milliseconds(Int64(fraction() * 2000))))
                } else if accepted.count >= configuration.serverLimit.requests {
                    outcome.overBudget += 1
                    answer = .failure(.throttled(retryAfter: nil))
                } else {
                    accepted.append(arrival)
                    if fraction() < configuration.serverErrorProbability {
                        answer = .failure(.transient)
                    } else if arrival >= configuration.finishTimes[task] {
                        answer = .status("success")
                        outcome.detectionLags.append(arrival - configuration.finishTimes[task])
                    } else {
                        answer = .status("running")
                    }
                }
                inFlight.append(InFlight(at: now + delay, task: task, request: request, answer: answer))
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
                    plan.answered(task: answer.task, request: answer.request, answer: answer.answer, at: .init(offset: answer.at))
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
