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
    /// How long each step of a task may take, counted from when the step
    /// became due: creating it from the run's start, waiting for it from
    /// when it was created (or the run's start, for a listed task),
    /// downloading it from its `success`. Not from a first request, so a
    /// task the budget has not reached yet still has a deadline.
    public var timeout: Duration
    /// How long the whole run may take; `nil` for no cap beyond the steps'
    /// own deadlines (a run of listed tasks then ends by ``timeout``). It caps
    /// every step's deadline.
    public var runTimeout: Duration?
    /// How many requests (creates, queries and downloads together) may be in
    /// flight at the same time (not how many tasks are waited for: every task
    /// is, from the start).
    public var concurrency: Int
    /// The budget of status queries, shared by all tasks.
    public var rateLimit: RateLimit
    /// The budget of create requests (`exports:`), its own as HSS counts it.
    public var createRateLimit: RateLimit
    /// The budget of downloads (`download:`), its own as HSS counts it.
    public var downloadRateLimit: RateLimit

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
        rateLimit: RateLimit = RateLimit(),
        createRateLimit: RateLimit = RateLimit(),
        downloadRateLimit: RateLimit = RateLimit()
    ) {
        self.initialInterval = initialInterval
        self.maxInterval = maxInterval
        self.multiplier = multiplier
        self.jitter = jitter
        self.timeout = timeout
        self.runTimeout = runTimeout
        self.concurrency = concurrency
        self.rateLimit = rateLimit
        self.createRateLimit = createRateLimit
        self.downloadRateLimit = downloadRateLimit
    }

    /// The budget requests of `kind` are spent under.
    package func rateLimit(for kind: RequestPlan.Kind) -> RateLimit {
        switch kind {
        case .create: return createRateLimit
        case .query: return rateLimit
        case .download: return downloadRateLimit
        }
    }

    /// The delay after the `attempt`-th poll (0-based) before jitter.
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        let initial = DurationText.seconds(in: initialInterval)
        let grown = initial * pow(max(multiplier, 1), Double(min(attempt, 64)))
        return Self.milliseconds(min(grown, DurationText.seconds(in: maxInterval)))
    }

    /// Whole milliseconds of `seconds`, clamped to the longest duration a pipeline may
    /// hold, so a policy built in code with a huge interval cannot trap.
    private static func milliseconds(_ seconds: Double) -> Duration {
        let milliseconds = seconds * 1000
        guard milliseconds.isFinite else { return milliseconds > 0 ? DurationText.maximum : .zero }
        return .milliseconds(Int64(min(max(milliseconds, 0), Double(DurationText.maximumMilliseconds))))
    }

    /// ``baseDelay(afterAttempt:)`` spread by ±``jitter``, never above ``maxInterval``.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, using generator: inout G) -> Duration {
        let base = DurationText.seconds(in: baseDelay(afterAttempt: attempt))
        let spread = jitter > 0 ? Double.random(in: -jitter...jitter, using: &generator) : 0
        let jittered = min(max(base * (1 + spread), 0), DurationText.seconds(in: maxInterval))
        return Self.milliseconds(jittered)
    }
}
