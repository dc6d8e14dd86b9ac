import Foundation

/// The mutable state of a running simulator: counters, task scripts, the scenario clock and
/// the rate limiter.
actor SimulatorState {
    private var statistics = SimulatorStatistics()
    private let taskIDs: [String]
    private var players: [String: TaskScriptPlayer]
    private var rateLimiter: SlidingWindowRateLimiter
    private let clock = ContinuousClock()
    private var clockStart: (instant: ContinuousClock.Instant, date: Date)?
    private var stepsReached: [String: [Timeline.StepStart]] = [:]

    init(scenario: SimulatorScenario) {
        var players: [String: TaskScriptPlayer] = [:]
        for task in scenario.tasks {
            players[task.id] = TaskScriptPlayer(script: task.script)
        }
        self.players = players
        taskIDs = scenario.tasks.map(\.id)
        rateLimiter = SlidingWindowRateLimiter(limit: scenario.rateLimit.requests, window: scenario.rateLimit.per)
    }

    var snapshot: SimulatorStatistics { statistics }

    /// The counters with the scenario clock and the steps each task has reached, for the
    /// `/_simulator/statistics` route.
    var timeline: Timeline {
        Timeline(
            statistics: statistics,
            clockStartedAt: clockStart?.date,
            tasks: taskIDs.map { (id: $0, steps: stepsReached[$0] ?? []) }
        )
    }

    func recordRequest() {
        statistics.totalRequests += 1
    }

    func recordUnauthorized() {
        statistics.unauthorizedRequests += 1
    }

    /// Counts the request against `user`'s window; a rejection is counted as throttled.
    func admit(user: String) -> SlidingWindowRateLimiter.Decision {
        let decision = rateLimiter.admit(user: user, at: clock.now)
        if decision != .allowed {
            statistics.throttledRequests += 1
        }
        return decision
    }

    /// The answer to a poll of `taskID`, and whether this poll started the scenario clock
    /// (the first poll of any task does); `nil` for an unknown task.
    func poll(taskID: String) -> (answer: SimulatorScenario.ScriptStep.Answer, startedClock: Bool)? {
        guard var player = players[taskID] else { return nil }
        let now = clock.now
        let startedClock = clockStart == nil
        if startedClock {
            clockStart = (now, Date())
        }
        let origin = clockStart?.instant ?? now
        let answer = player.poll(at: now, clockStart: origin)
        players[taskID] = player
        statistics.polls[taskID, default: 0] += 1
        if player.pollsInStep == 1 {
            stepsReached[taskID, default: []].append(.init(step: player.stepIndex, offset: now - origin))
        }
        return (answer, startedClock)
    }

    func recordDownload(fileID: String) {
        statistics.downloads[fileID, default: 0] += 1
    }
}

/// What the simulator has seen so far, on the scenario clock.
struct Timeline: Sendable {
    /// When a task's script first answered from a step.
    struct StepStart: Sendable, Equatable {
        /// The step's index in the script.
        var step: Int
        /// The time of that first answer since the scenario clock started.
        var offset: Duration
    }

    var statistics: SimulatorStatistics
    /// The wall-clock time of the first poll of any task, or `nil` before it.
    var clockStartedAt: Date?
    /// Every task in scenario order with the steps it has answered from, in order.
    var tasks: [(id: String, steps: [StepStart])]
}
