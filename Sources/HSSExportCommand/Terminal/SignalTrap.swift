import Dispatch
import ExportStageKit
import Foundation
import Synchronization

/// Turns the first SIGINT, SIGTERM or SIGHUP into a graceful stop, and a
/// signal that comes again later into an immediate exit 130, for the user who
/// really wants out.
///
/// The immediate exit first sends SIGKILL to the process group of every child
/// command still running (``LiveChildProcesses``: an `exec` stage's command
/// and what it started), so none outlives hss-export.
///
/// Signals that arrive within ``repeatWindow`` of the first count as that
/// first one: GNU `timeout` sends SIGTERM to the process and then again to its
/// process group, a terminal's Ctrl-C reaches every process of the foreground
/// group, and systemd may signal the unit's processes one after the other, so
/// one request to stop often arrives as two or three signals.
final class SignalTrap: @unchecked Sendable {
    /// How long after the first signal further signals are taken as copies of it.
    static let repeatWindow: Duration = .seconds(2)

    /// The signals trapped by default: SIGHUP (a closed terminal, a
    /// `systemctl reload` or a supervisor's hang-up) stops gracefully too,
    /// instead of killing the run with nothing written.
    static let defaultSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private struct State {
        var window: SignalWindow
        var isCancelled = false
    }

    /// The state the handlers share.
    private final class SharedState: Sendable {
        let mutex: Mutex<State>
        init(window: Duration) { mutex = Mutex(State(window: SignalWindow(window: window))) }
    }

    // Written once in init, read only by cancel(): the sources themselves are thread-safe.
    private let sources: [any DispatchSourceSignal]
    private let state: SharedState

    /// Starts trapping `signals`.
    ///
    /// - Parameters:
    ///   - signals: the signals to trap.
    ///   - window: how long after the first signal others count as the same.
    ///   - onFirst: the graceful stop, run once, for the first signal.
    ///   - onRepeat: told about a signal taken as a copy of the first.
    ///   - beforeExit: run just before the immediate exit, once the child
    ///     commands' groups have been killed (clean-up that cannot wait: temp
    ///     files, the progress line); then the process exits 130.
    init(
        signals: [Int32] = SignalTrap.defaultSignals,
        window: Duration = SignalTrap.repeatWindow,
        onFirst: @escaping @Sendable () -> Void,
        onRepeat: @escaping @Sendable (Int32) -> Void = { _ in },
        beforeExit: @escaping @Sendable () -> Void = {}
    ) {
        let state = SharedState(window: window)
        self.state = state
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let action = state.mutex.withLock { state -> SignalWindow.Action? in
                    state.isCancelled ? nil : state.window.record(at: .now)
                }
                switch action {
                case nil: break
                case .stop: onFirst()
                case .repeatWithinWindow: onRepeat(number)
                case .exitNow:
                    // First, so a command cannot outlive hss-export.
                    let killed = LiveChildProcesses.killAll()
                    beforeExit()
                    Console.writeStandardError("hss-export: \(SignalTrap.name(of: number)) again, exiting now\(SignalTrap.killNote(killed))\n")
                    // No atexit handlers or static destructors while other
                    // threads still run: stderr and stdout are unbuffered here.
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Stops trapping.
    ///
    /// Signals get their default behaviour back, unless one was already
    /// caught: a process that is on its way out after a graceful stop keeps
    /// ignoring them, so a late copy (the second SIGTERM of `timeout`) cannot
    /// kill it between its last commit and its summary.
    func cancel() {
        let hasFired = state.mutex.withLock { state -> Bool in
            state.isCancelled = true
            return state.window.firstAt != nil
        }
        for source in sources {
            source.cancel()
            if !hasFired { signal(Int32(source.handle), SIG_DFL) }
        }
    }

    /// What the immediate exit says about the child commands it killed.
    static func killNote(_ groups: [Int32]) -> String {
        switch groups.count {
        case 0: ""
        case 1: " (sent SIGKILL to the running command's process group \(groups[0]))"
        default: " (sent SIGKILL to the running commands' process groups \(groups.map(String.init).joined(separator: ", ")))"
        }
    }

    /// `SIGINT`, `SIGTERM`, `SIGHUP`, or `signal N`.
    static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGQUIT: "SIGQUIT"
        default: "signal \(number)"
        }
    }
}

/// What a trapped signal means, from when it came relative to the first.
struct SignalWindow: Sendable {
    enum Action: Sendable, Equatable {
        /// The first signal: stop gracefully.
        case stop
        /// Within the window of the first: the same request, ignore it.
        case repeatWithinWindow
        /// After the window: exit at once.
        case exitNow
    }

    /// How long after the first signal others count as the same.
    let window: Duration
    /// When the first signal came.
    private(set) var firstAt: ContinuousClock.Instant?

    init(window: Duration) {
        self.window = window
    }

    /// Records a signal that came at `now` and says what to do about it.
    mutating func record(at now: ContinuousClock.Instant) -> Action {
        guard let firstAt else {
            firstAt = now
            return .stop
        }
        return now - firstAt < window ? .repeatWithinWindow : .exitNow
    }
}
