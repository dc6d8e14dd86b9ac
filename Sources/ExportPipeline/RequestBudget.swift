/// The request budget shared by every task of a run: a token bucket that
/// hands out send times in order, plus a pause after the API throttles us.
///
/// HSS counts calls per API per user, so the budget is one per run, not one
/// per task; reserving slots (instead of every waiter polling the bucket)
/// keeps tasks fair and the clock the only thing anyone waits on.
public actor RequestBudget {
    private let capacity: Double
    private let secondsPerRequest: Double
    private var tokens: Double
    private var updatedAt: ContinuousClock.Instant
    private var pausedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    /// How many requests the budget has granted.
    public private(set) var granted = 0

    /// A full bucket for `rateLimit`.
    public init(_ rateLimit: WaitPolicy.RateLimit) {
        capacity = Double(max(rateLimit.requests, 1))
        secondsPerRequest = rateLimit.period.seconds / capacity
        tokens = capacity
        updatedAt = ContinuousClock().now
    }

    /// Waits until one more request may be sent.
    ///
    /// - Returns: `false`, without waiting, when that moment would come after
    ///   `deadline` (the caller's task has run out of time).
    /// - Throws: `CancellationError` when the run is interrupted.
    public func acquire(before deadline: ContinuousClock.Instant) async throws -> Bool {
        let now = clock.now
        refill(at: now)
        let slot: ContinuousClock.Instant
        if tokens >= 1 {
            slot = now
        } else {
            slot = now + .milliseconds(Int64((1 - tokens) * secondsPerRequest * 1000))
        }
        let sendAt = max(slot, pausedUntil ?? slot)
        guard sendAt <= deadline else { return false }
        tokens -= 1
        granted += 1
        if sendAt > now { try await clock.sleep(until: sendAt) }
        // A 429 seen while we slept pushes every later request back.
        if let pausedUntil, pausedUntil > clock.now {
            guard pausedUntil <= deadline else { return false }
            try await clock.sleep(until: pausedUntil)
        }
        return true
    }

    /// Holds every request back for `duration` (after a 429 / `APIG.0308`).
    public func pause(for duration: Duration) {
        let until = clock.now + duration
        if until > (pausedUntil ?? until - .nanoseconds(1)) { pausedUntil = until }
    }

    private func refill(at now: ContinuousClock.Instant) {
        let elapsed = (now - updatedAt).seconds
        tokens = min(capacity, tokens + elapsed / secondsPerRequest)
        updatedAt = now
    }
}
