/// Plays one task's status script: which step answers the next poll.
struct TaskScriptPlayer {
    let script: [SimulatorScenario.ScriptStep]
    private var stepIndex = 0
    private var pollsInStep = 0
    private var stepStartedAt: ContinuousClock.Instant?

    init(script: [SimulatorScenario.ScriptStep]) {
        precondition(!script.isEmpty, "a scenario script is never empty; decoding rejects that")
        self.script = script
    }

    /// Advances past finished steps, then answers the poll made at `now` with the current step.
    mutating func poll(at now: ContinuousClock.Instant) -> SimulatorScenario.ScriptStep.Answer {
        while stepIndex < script.count - 1, isFinished(script[stepIndex], at: now) {
            stepIndex += 1
            pollsInStep = 0
            stepStartedAt = nil
        }
        if stepStartedAt == nil {
            stepStartedAt = now
        }
        pollsInStep += 1
        return script[stepIndex].answer
    }

    private func isFinished(_ step: SimulatorScenario.ScriptStep, at now: ContinuousClock.Instant) -> Bool {
        switch step.length {
        case .polls(let polls):
            return pollsInStep >= polls
        case .duration(let duration):
            guard let stepStartedAt else { return false }
            return now - stepStartedAt >= duration
        case .unlimited:
            return false
        }
    }
}
