/// Plays one task's status script: which step answers the next poll.
struct TaskScriptPlayer {
    let script: [SimulatorScenario.ScriptStep]
    /// The step that answered the last poll.
    private(set) var stepIndex = 0
    /// The polls the current step has answered, the last one included.
    private(set) var pollsInStep = 0
    private var stepStartedAt: ContinuousClock.Instant?

    init(script: [SimulatorScenario.ScriptStep]) {
        precondition(!script.isEmpty, "a scenario script is never empty; decoding rejects that")
        self.script = script
    }

    /// Advances past finished steps, then answers the poll made at `now` with the current step.
    /// - Parameters:
    ///   - now: When the poll arrived.
    ///   - clockStart: When the scenario clock started (the simulator's first poll of any
    ///     task), the origin of `until` steps.
    mutating func poll(at now: ContinuousClock.Instant, clockStart: ContinuousClock.Instant) -> SimulatorScenario.ScriptStep.Answer {
        while stepIndex < script.count - 1, isFinished(script[stepIndex], at: now, clockStart: clockStart) {
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

    private func isFinished(_ step: SimulatorScenario.ScriptStep, at now: ContinuousClock.Instant, clockStart: ContinuousClock.Instant) -> Bool {
        switch step.length {
        case .polls(let polls):
            return pollsInStep >= polls
        case .duration(let duration):
            guard let stepStartedAt else { return false }
            return now - stepStartedAt >= duration
        case .until(let until):
            return now - clockStart >= until
        case .unlimited:
            return false
        }
    }
}
