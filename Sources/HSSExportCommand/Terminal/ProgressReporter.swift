import ExportPipeline
import ExportStageKit
import Foundation
import Synchronization

/// The live progress line on stderr while a run waits (terminals only): see
/// ``ProgressLine`` for what it says.
///
/// It follows the waiter's ``TaskWaiter/Event/progress(_:)`` reports, and
/// counts `.finished` and `.polled` events itself so it is right even before
/// (or without) one; a timer redraws it at least once a second, so the clock
/// and the "next in" countdown move while nothing happens.
final class ProgressReporter: Sendable {
    private struct State {
        var progress: WaitProgress
        var tally: [TaskOutcome: Int] = [:]
        var polls = 0
        var drawn: String?
        var isFinished = false
        var ticker: Task<Void, Never>?
    }
    private let state: Mutex<State>
    private let console: Console
    private let now: @Sendable () -> Date

    /// A reporter for a wait of `taskCount` tasks under `budget`.
    ///
    /// - Parameters:
    ///   - tick: how often the timer redraws; `nil` for no timer (tests).
    ///   - now: the wall clock the line is drawn at (tests).
    init(
        console: Console,
        taskCount: Int,
        budget: WaitPolicy.RateLimit,
        startedAt: Date = Date(),
        tick: Duration? = .milliseconds(250),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.console = console
        self.now = now
        state = Mutex(State(progress: WaitProgress(startedAt: startedAt, taskCount: taskCount, budget: budget)))
        guard console.isTerminal, let tick else { return }
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                self?.redraw()
            }
        }
        state.withLock { $0.ticker = ticker }
    }

    /// Takes in an event of the waiter and redraws the line.
    func record(_ event: TaskWaiter.Event) {
        guard console.isTerminal else { return }
        state.withLock { state in
            switch event {
            case .polled, .created, .downloaded:
                state.polls += 1
            case .finished(_, let result):
                state.tally[result.outcome, default: 0] += 1
            case .progress(let progress):
                state.progress = progress
            }
            // Every task ends with exactly one `.finished`, so a tally ahead
            // of the last report is the fresher one.
            if state.tally.values.reduce(0, +) > state.progress.finished { state.progress.outcomes = state.tally }
            state.progress.requests = max(state.progress.requests, state.polls)
            draw(&state)
        }
    }

    /// Redraws the line (the clock moves even when nothing else does).
    func redraw() {
        state.withLock { draw(&$0) }
    }

    /// The line as it would be drawn now.
    var currentText: String {
        state.withLock { ProgressLine.text(for: $0.progress, now: now()) }
    }

    /// Stops the timer and removes the line, for the summary or an exit.
    func finish() {
        state.withLock { state in
            state.isFinished = true
            state.ticker?.cancel()
            state.ticker = nil
        }
        console.clearProgress()
    }

    private func draw(_ state: inout State) {
        guard !state.isFinished else { return }
        let text = ProgressLine.text(for: state.progress, now: now())
        guard text != state.drawn else { return }
        state.drawn = text
        console.showProgress(text)
    }

    deinit {
        state.withLock { $0.ticker?.cancel() }
    }
}
