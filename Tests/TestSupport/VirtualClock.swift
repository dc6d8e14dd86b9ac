public import ExportPipeline
import Synchronization

/// A clock whose time moves only when the test says so, or, inside
/// ``run(_:)``, whenever everything waiting on it is asleep: then it jumps to
/// the earliest wake-up. Waiting tests run in virtual time, exactly, in
/// milliseconds of real time.
public final class VirtualClock: Clock, Sendable {
    /// A point in virtual time.
    public struct Instant: InstantProtocol {
        /// Virtual time since the clock was made.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
        /// Bumped whenever something sleeps or wakes: ``run(_:)`` advances
        /// time only after it stayed the same for a while.
        var generation = 0
    }

    private let state = Mutex(State())

    /// A clock at offset zero.
    public init() {}

    /// The present instant.
    public var now: Instant { state.withLock { $0.now } }

    /// No rounding: virtual time is exact.
    public var minimumResolution: Duration { .zero }

    /// How long since the clock was made.
    public var elapsed: Duration { now.offset }

    /// How many tasks are asleep on the clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The same clock as the waiter's ``WaitClock``, whose instants are offsets too.
    public var waitClock: WaitClock { WaitClock(self) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    state.generation += 1
                    if deadline <= state.now { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                state.generation += 1
                return state.sleepers.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking every sleeper due by then.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Moves time forward to `instant`, waking every sleeper due by then in
    /// deadline order.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.filter { $0.deadline <= state.now }.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
            state.sleepers.removeAll { $0.deadline <= state.now }
            if !due.isEmpty { state.generation += 1 }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Runs `body`, jumping time to the next wake-up whenever every task
    /// waiting on the clock is asleep, until `body` returns.
    ///
    /// "Asleep" is seen as: the clock's sleepers and wake-ups stayed the same
    /// while the driver yielded `quietYields` times in a row, so everything
    /// that could run (with no real I/O in between) has run.
    public func run<T: Sendable>(quietYields: Int = 64, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let work = Task { try await body() }
        let done = Mutex(false)
        let driver = Task {
            while !done.withLock({ $0 }) {
                var quiet = 0
                var seen = state.withLock { $0.generation }
                while quiet < quietYields {
                    await Task.yield()
                    let current = state.withLock { $0.generation }
                    if current == seen {
                        quiet += 1
                    } else {
                        seen = current
                        quiet = 0
                    }
                    if done.withLock({ $0 }) { return }
                }
                let next = state.withLock { $0.sleepers.map(\.deadline).min() }
                if let next {
                    advance(to: next)
                } else {
                    // Nothing sleeps on the clock: the body waits on something real.
                    try? await Task.sleep(for: .milliseconds(1))
                }
            }
        }
        defer {
            done.withLock { $0 = true }
            driver.cancel()
        }
        return try await work.value
    }
}
