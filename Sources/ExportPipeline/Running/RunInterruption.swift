import ExportStageKit
import Synchronization

/// A one-shot "stop waiting" switch, thrown by SIGINT/SIGTERM handlers.
///
/// Stopping is not cancelling: the runner stops polling, but still hands the
/// results it has to the stages and commits them, so an interrupted run
/// leaves complete outputs.
public final class RunInterruption: Sendable {
    private struct State {
        var isTriggered = false
        var handlers: [@Sendable () -> Void] = []
    }
    private let state = Mutex(State())

    /// A switch that has not been thrown.
    public init() {}

    /// Whether ``trigger()`` was called.
    public var isTriggered: Bool { state.withLock { $0.isTriggered } }

    /// Throws the switch; runs every handler once.
    public func trigger() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.isTriggered else { return [] }
            state.isTriggered = true
            defer { state.handlers = [] }
            return state.handlers
        }
        for handler in handlers { handler() }
    }

    /// Runs `handler` when the switch is thrown (at once, if it already was).
    public func onTrigger(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.isTriggered { return true }
            state.handlers.append(handler)
            return false
        }
        if runNow { handler() }
    }
}
