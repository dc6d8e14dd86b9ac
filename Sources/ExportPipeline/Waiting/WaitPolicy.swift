import ExportStageKit
import Foundation

/// How tasks are waited for: backoff, deadline, concurrency and request budget.
///
/// The defaults respect HSS's limit of about 5 calls per minute per API per
/// user, so an unattended run never gets throttled into failure.
public struct WaitPolicy: Sendable, Equatable {
    /// Delay before the second poll of a task.
    public var initialInterval: Duration
    /// The cap on the delay between two polls of a task.
    public var maxInterval: Duration
    /// Growth factor of the delay after each poll (at least 1).
    public var multiplier: Double
    /// Random spread of each delay, as a fraction (0.2 = ±20 %), so tasks
    /// started together don't poll in lockstep.
    public var jitter: Double
    /// How long one task may stay unfinished, counted from when the run
    /// starts waiting for it (not from its first poll, so a task the budget
    /// has not reached yet still has a deadline).
    public var timeout: Duration
    /// How long the whole wait may take; `nil` means ``timeout`` (every task
    /// starts waiting with the run, so the run ends by then anyway). A shorter
    /// value caps every task's deadline.
    public var runTimeout: Duration?
    /// How many status requests may be in flight at the same time (not how
    /// many tasks are waited for: every task is, from the start).
    public var concurrency: Int
    /// The request budget shared by all tasks.
    public var rateLimit: RateLimit

    /// Requests allowed per period, shared by every task of the run.
    public struct RateLimit: Sendable, Equatable {
        /// Requests per period (also the burst size).
        public var requests: Int
        /// The period.
        public var period: Duration

        /// Creates a rate limit.
        public init(requests: Int = 5, per period: Duration = .seconds(60)) {
            self.requests = requests
            self.period = period
        }
    }

    /// Creates a policy; every parameter has a production-safe default.
    public init(
        initialInterval: Duration = .seconds(15),
        maxInterval: Duration = .seconds(120),
        multiplier: Double = 2,
        jitter: Double = 0.2,
        timeout: Duration = .seconds(30 * 60),
        runTimeout: Duration? = nil,
        concurrency: Int = 4,
        rateLimit: RateLimit = RateLimit()
    ) {
        self.initialInterval = initialInterval
        self.maxInterval = maxInterval
        self.multiplier = multiplier
        self.jitter = jitter
        self.timeout = timeout
        self.runTimeout = runTimeout
        self.concurrency = concurrency
        self.rateLimit = rateLimit
    }

    /// The delay after the `attempt`-th poll (0-based) before jitter.
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        let initial = DurationText.seconds(in: initialInterval)
        let grown = initial * pow(max(multiplier, 1), Double(min(attempt, 64)))
        return .milliseconds(Int64(min(grown, DurationText.seconds(in: maxInterval)) * 1000))
    }

    /// ``baseDelay(afterAttempt:)`` spread by ±``jitter``, never above ``maxInterval``.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, using generator: inout G) -> Duration {
        let base = DurationText.seconds(in: baseDelay(afterAttempt: attempt))
        let spread = jitter > 0 ? Double.random(in: -jitter...jitter, using: &generator) : 0
        let jittered = min(max(base * (1 + spread), 0), DurationText.seconds(in: maxInterval))
        return .milliseconds(Int64(jittered * 1000))
    }
}
