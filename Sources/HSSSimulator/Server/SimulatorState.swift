/// The mutable state of a running simulator: counters, task scripts and the rate limiter.
actor SimulatorState {
    private var statistics = SimulatorStatistics()
    private var players: [String: TaskScriptPlayer]
    private var rateLimiter: SlidingWindowRateLimiter
    private let clock = ContinuousClock()

    init(scenario: SimulatorScenario) {
        var players: [String: TaskScriptPlayer] = [:]
        for task in scenario.tasks {
            players[task.id] = TaskScriptPlayer(script: task.script)
        }
        self.players = players
        rateLimiter = SlidingWindowRateLimiter(limit: scenario.rateLimit.requests, window: scenario.rateLimit.per)
    }

    var snapshot: SimulatorStatistics { statistics }

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

    /// The answer to a poll of `taskID`, or `nil` for an unknown task.
    func poll(taskID: String) -> SimulatorScenario.ScriptStep.Answer? {
        guard var player = players[taskID] else { return nil }
        let answer = player.poll(at: clock.now)
        players[taskID] = player
        statistics.polls[taskID, default: 0] += 1
        return answer
    }

    func recordDownload(fileID: String) {
        statistics.downloads[fileID, default: 0] += 1
    }
}
