import ExportPipeline
import ExportStageKit
import Synchronization

/// The live "2/4 done, 7 polls" line on stderr while a run waits.
final class ProgressReporter: Sendable {
    private struct State {
        var finished = 0
        var polls = 0
        var outcomes: [TaskOutcome: Int] = [:]
    }
    private let state = Mutex(State())
    private let console: Console
    private let taskCount: Int

    init(console: Console, taskCount: Int) {
        self.console = console
        self.taskCount = taskCount
    }

    func record(_ event: TaskWaiter.Event) {
        let text = state.withLock { state -> String in
            switch event {
            case .polled: state.polls += 1
            case .progress: break
            case .finished(_, let result):
                state.finished += 1
                state.outcomes[result.outcome, default: 0] += 1
            }
            let outcomes = TaskOutcome.allCases.compactMap { outcome in state.outcomes[outcome].map { "\($0) \(outcome.rawValue)" } }
            return "hss-export: \(state.finished)/\(taskCount) done, \(state.polls) polls"
                + (outcomes.isEmpty ? "" : " (" + outcomes.joined(separator: ", ") + ")")
        }
        console.showProgress(text)
    }

    func finish() {
        console.clearProgress()
    }
}
