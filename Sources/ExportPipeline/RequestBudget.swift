/// The request budget shared by every task of a run: at most `requests`
/// requests in any window of `period`, handed out in order, plus a pause
/// after the API throttles us.
///
/// HSS counts calls per API per user, so the budget is one per run, not one
/// per task. It is a sliding-window log rather than a token bucket because a
/// bucket that starts full allows up to twice the limit in the first period,
/// which is exactly when a server counting "5 per minute" would throttle us.
/// Reserving slots (instead of every waiter retrying) keeps tasks fair.
public actor RequestBudget {
    private let limit: Int
    private let period: Duration
    /// Send times by grant number: planned until the request goes out, then actual.
    private var sendTimes: [Int: ContinuousClock.Instant] = [:]
    private var pausedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    /// How many requests the budget has granted.
    public private(set) var granted = 0

    /// A budget of `rateLimit.requests` per `rateLimit.period`.
    public init(_ rateLimit: WaitPolicy.RateLimit) {
        limit = max(rateLimit.requests, 1)
        period = rateLimit.period
    }

    /// Waits until one more request may be sent.
    ///
    /// - Returns: `false`, without waiting, when that moment would come after
    ///   `deadline` (the caller's task has run out of time).
    /// - Throws: `CancellationError` when the run is interrupted.
    public func acquire(before deadline: ContinuousClock.Instant) async throws -> Bool {
        let now = clock.now
        let number = granted
        var slot = max(now, sendTimes[number - 1] ?? now)
        if let earlier = sendTimes[number - limit] { slot = max(slot, earlier + period) }
        if let pausedUntil { slot = max(slot, pausedUntil) }
        guard slot <= deadline else { return false }
        granted += 1
        sendTimes[number] = slot
        sendTimes[number - limit - 1] = nil
        // The request `limit` grants back may have gone out later than planned
        // (a busy machine wakes sleepers late), and a 429 may have arrived
        // while we slept: re-check against actual times until both allow it.
        while true {
            var allowedAt = pausedUntil ?? slot
            if let earlier = sendTimes[number - limit] { allowedAt = max(allowedAt, earlier + period) }
            guard allowedAt > clock.now else { break }
            guard allowedAt <= deadline + period else { return false }
            try await clock.sleep(until: allowedAt)
        }
        sendTimes[number] = clock.now
        return true
    }

    /// Holds every request back for `duration` (after a 429 / `APIG.0308`).
    public func pause(for duration: Duration) {
        let until = clock.now + duration
        if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
    }
}
