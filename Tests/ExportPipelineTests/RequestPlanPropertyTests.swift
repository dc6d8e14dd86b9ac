import ExportPipeline
import ExportStageKit
import Testing

/// The scheduler's promises over random runs, in simulated time: every task
/// ends, by its deadline, within the budget as the server counts it; and it
/// detects finished tasks about as soon as the ideal scheduler would.
@Suite struct RequestPlanPropertyTests {
    /// One random run: 1 to 200 tasks (some created first, some downloaded
    /// after), budgets 1 to 50 per period, concurrency 1 to 64, random
    /// intervals, finish times, latency, 429s and 5xx.
    static func randomConfiguration(seed: UInt64) -> RequestPlanSimulation.Configuration {
        let random = RandomSource.seeded(seed)
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        func fraction() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let tasks = pick(1...200)
        let requests = pick(1...50)
        let period = [Duration.milliseconds(500), .seconds(1), .seconds(10), .seconds(60)][pick(0...3)]
        let initial = Duration.milliseconds(Int64(pick(1...5_000)))
        let maximum = initial * Double(1 + pick(0...4))
        // Long enough for most shapes to finish, short enough that some time out.
        let rounds = Double(tasks) / Double(requests) * (0.5 + 3 * fraction())
        let timeout = max(period * rounds, .seconds(1)) + initial
        let policy = WaitPolicy(
            initialInterval: initial, maxInterval: maximum, multiplier: 1 + 2 * fraction(), jitter: 0.5 * fraction(),
            timeout: timeout, runTimeout: fraction() < 0.2 ? timeout * 0.7 : nil, concurrency: pick(1...64),
            rateLimit: .init(requests: requests, per: period),
            // The simulated server gives every API the same budget.
            createRateLimit: .init(requests: requests, per: period),
            downloadRateLimit: .init(requests: requests, per: period)
        )
        let finishTimes = (0..<tasks).map { _ in timeout * (1.2 * fraction()) }
        return RequestPlanSimulation.Configuration(
            policy: policy, finishTimes: finishTimes, serverLimit: policy.rateLimit,
            latency: .milliseconds(1)...(.milliseconds(Int64(pick(1...400)))),
            throttleProbability: fraction() < 0.3 ? 0.05 * fraction() : 0,
            serverErrorProbability: fraction() < 0.3 ? 0.1 * fraction() : 0,
            seed: seed,
            created: fraction() < 0.5 ? Set((0..<tasks).filter { _ in fraction() < 0.5 }) : [],
            downloads: fraction() < 0.5
        )
    }

    @Test func everyTaskEndsByItsDeadlineWithinTheBudgetOverAThousandRandomRuns() async {
        var timedOut = 0
        var succeeded = 0
        for seed in UInt64(1)...1_000 {
            // A second of synchronous work in all: let the loopback tests beside this one run.
            await Task.yield()
            let configuration = Self.randomConfiguration(seed: seed)
            let run = RequestPlanSimulation.run(configuration)
            let label = "seed \(seed): \(configuration.finishTimes.count) tasks, \(configuration.policy)"
            #expect(run.finished, "the plan got stuck: \(label)")
            #expect(run.outcomes.allSatisfy { $0 != nil }, "a task never ended: \(label)")
            #expect(run.overBudget == 0, "\(run.overBudget) requests over the server's budget: \(label)")
            #expect(run.creations.values.allSatisfy { $0 == 1 }, "a task was created twice: \(label)")
            let slowest = configuration.latency.upperBound
            for (index, ended) in run.endedAt.enumerated() {
                // Each step ends by its deadline, or when the request in flight at it comes back;
                // the run's deadline caps them all.
                let steps = 1 + (configuration.created.contains(index) ? 1 : 0) + (configuration.downloads ? 1 : 0)
                var deadline = (configuration.policy.timeout + slowest) * steps
                if let runTimeout = configuration.policy.runTimeout { deadline = min(deadline, runTimeout + slowest) }
                #expect((ended ?? .seconds(1 << 40)) <= deadline, "task \(index) ended at \(String(describing: ended)): \(label)")
                if run.outcomes[index] == .succeeded, !configuration.created.contains(index) {
                    #expect((ended ?? .zero) >= configuration.finishTimes[index], "task \(index) succeeded before it finished: \(label)")
                }
            }
            timedOut += run.outcomes.filter { $0 == .timedOut }.count
            succeeded += run.outcomes.filter { $0 == .succeeded }.count
            if !run.finished { break }
        }
        // The random runs exercise both endings.
        #expect(timedOut > 0)
        #expect(succeeded > 0)
    }

    /// A random run with 2 to 6 budget groups (tasks assigned at random), one
    /// refused outright in about a fifth of the runs.
    static func randomGroupedConfiguration(seed: UInt64) -> RequestPlanSimulation.Configuration {
        var configuration = randomConfiguration(seed: seed)
        let random = RandomSource.seeded(seed &* 31 &+ 7)
        let groups = 2 + Int(random.next() % 5)
        configuration.groups = configuration.finishTimes.indices.map { _ in Int(random.next() % UInt64(groups)) }
        if random.next() % 5 == 0 { configuration.refusedGroups = [Int(random.next() % UInt64(groups))] }
        return configuration
    }

    /// Several credentials in one run: each budget group keeps its own
    /// budget per kind as the server counts it, every task still ends by its
    /// deadline, a refused group costs one request and ends only its own
    /// tasks, and no group sends a second request before its first answer.
    @Test func severalBudgetGroupsEachKeepTheirOwnBudgetOverFiveHundredRandomRuns() async {
        var succeeded = 0
        var refusedRuns = 0
        for seed in UInt64(1)...500 {
            await Task.yield()
            let configuration = Self.randomGroupedConfiguration(seed: seed)
            let run = RequestPlanSimulation.run(configuration)
            let label =
                "seed \(seed): \(configuration.finishTimes.count) tasks in groups \(Set(configuration.groups).sorted()), \(configuration.policy)"
            #expect(run.finished, "the plan got stuck: \(label)")
            #expect(run.overBudget == 0, "\(run.overBudget) requests over a group's budget: \(label)")
            #expect(run.creations.values.allSatisfy { $0 == 1 }, "a task was created twice: \(label)")
            #expect(run.inFlightBeforeFirstAnswer.values.allSatisfy { $0 <= 1 }, "a group sent twice before its first answer: \(label)")
            let slowest = configuration.latency.upperBound
            for (index, ended) in run.endedAt.enumerated() {
                let steps = 1 + (configuration.created.contains(index) ? 1 : 0) + (configuration.downloads ? 1 : 0)
                var deadline = (configuration.policy.timeout + slowest) * steps
                if let runTimeout = configuration.policy.runTimeout { deadline = min(deadline, runTimeout + slowest) }
                #expect((ended ?? .seconds(1 << 40)) <= deadline, "task \(index) ended at \(String(describing: ended)): \(label)")
                if configuration.refusedGroups.contains(configuration.group(of: index)) {
                    #expect(run.outcomes[index] == .error, "task \(index) of a refused group: \(label)")
                }
            }
            for group in configuration.refusedGroups {
                refusedRuns += 1
                #expect(run.requestsByGroup[group, default: 0] <= 1, "a refused group sent \(run.requestsByGroup[group, default: 0]): \(label)")
            }
            succeeded += run.outcomes.filter { $0 == .succeeded }.count
            if !run.finished { break }
        }
        #expect(succeeded > 0)
        #expect(refusedRuns > 0)
    }

    /// Two groups at 1 request per 10 s each query 2 tasks apiece in the time
    /// one group would take for 2: their budgets are side by side, not shared.
    @Test func twoGroupsSpendTheirBudgetsSideBySide() {
        let budget = WaitPolicy.RateLimit(requests: 1, per: .seconds(10))
        let policy = WaitPolicy(
            initialInterval: .seconds(1), maxInterval: .seconds(1), jitter: 0, timeout: .seconds(3600), concurrency: 8, rateLimit: budget)
        let run = RequestPlanSimulation.run(
            .init(policy: policy, finishTimes: [.zero, .zero, .zero, .zero], serverLimit: budget, groups: [0, 0, 1, 1]))
        #expect(run.outcomes == Array(repeating: .succeeded, count: 4))
        #expect(run.overBudget == 0)
        #expect(run.endedAtTime < .seconds(15), "\(run.endedAtTime)")
    }

    /// The hanging configurations from the issue: fewer requests per period than
    /// the concurrency.
    @Test(arguments: [(4, 3, 2), (6, 2, 3), (10, 2, 60)])
    func aBudgetBelowTheConcurrencyNeverHangs(tasks: Int, requests: Int, seconds: Int) {
        let policy = WaitPolicy(
            initialInterval: .seconds(1), maxInterval: .seconds(5), timeout: .seconds(600),
            rateLimit: .init(requests: requests, per: .seconds(Int64(seconds)))
        )
        let finishTimes = (0..<tasks).map { Duration.seconds(Int64(10 * $0)) }
        let run = RequestPlanSimulation.run(.init(policy: policy, finishTimes: finishTimes, serverLimit: policy.rateLimit))
        #expect(run.finished)
        #expect(run.outcomes == Array(repeating: .succeeded, count: tasks))
        #expect(run.overBudget == 0)
    }

    /// Mean detection lag against the ideal round robin at exactly the budget,
    /// with 20 ms of latency, for the shapes the waiting benchmark measures.
    @Test(arguments: [1, 10, 50, 200], [5, 10])
    func detectionLagIsWithinATenthOfTheIdeal(tasks: Int, perSecond: Int) {
        // Pooled over enough seeds that even one task gives a stable mean.
        var ours = 0.0
        var ideal = 0.0
        for seed in UInt64(1)...UInt64(max(3, 200 / tasks)) {
            let random = RandomSource.seeded(seed)
            let budget = WaitPolicy.RateLimit(requests: perSecond, per: .seconds(1))
            let horizon = Duration.seconds(Int64(max(10, 2 * tasks / perSecond)))
            let finishTimes = (0..<tasks).map { _ in horizon * (Double(random.next() >> 11) / Double(1 << 53)) }
            let spacing = budget.period / perSecond
            let policy = WaitPolicy(
                initialInterval: spacing, maxInterval: spacing, multiplier: 1, jitter: 0,
                timeout: horizon * 10, concurrency: 10, rateLimit: budget
            )
            let run = RequestPlanSimulation.run(.init(policy: policy, finishTimes: finishTimes, serverLimit: budget, seed: seed))
            #expect(run.outcomes == Array(repeating: .succeeded, count: tasks))
            #expect(run.overBudget == 0)
            ours += run.detectionLags.map { DurationText.seconds(in: $0) }.reduce(0, +) / Double(tasks)
            ideal += RequestPlanSimulation.idealMeanLag(finishTimes: finishTimes, budget: budget)
        }
        #expect(ours / ideal <= 1.1, "mean lag \(ours) s against the ideal's \(ideal) s")
    }

    /// A configured budget above the server's: the 429s teach the plan the real
    /// one, after a few throttled responses.
    @Test func aBudgetAboveTheServersLearnsFromAFew429s() {
        let policy = WaitPolicy(
            initialInterval: .milliseconds(100), maxInterval: .milliseconds(100), multiplier: 1, jitter: 0,
            timeout: .seconds(600), concurrency: 8, rateLimit: .init(requests: 20, per: .seconds(1))
        )
        let finishTimes = (0..<50).map { Duration.seconds(Int64(1 + $0 % 30)) }
        let server = WaitPolicy.RateLimit(requests: 5, per: .seconds(1))
        let run = RequestPlanSimulation.run(.init(policy: policy, finishTimes: finishTimes, serverLimit: server))
        #expect(run.outcomes == Array(repeating: .succeeded, count: 50))
        #expect(run.overBudget <= 5, "\(run.overBudget) throttled responses")
    }

    @Test func refusedCredentialsEndEveryTaskAfterOneRequest() {
        var plan = RequestPlan(taskCount: 20, policy: WaitPolicy(concurrency: 1), start: .init(offset: .zero))
        guard case .send(let task, _, let request) = plan.next(now: .init(offset: .zero)) else {
            Issue.record("no first request")
            return
        }
        plan.answered(task: task, request: request, answer: .failure(.credentialsRejected), at: .init(offset: .milliseconds(5)))
        #expect(plan.next(now: .init(offset: .milliseconds(5))) == .done)
        #expect(plan.outcomes == Array(repeating: .error, count: 20))
        #expect(plan.requests == 1)
    }
}
