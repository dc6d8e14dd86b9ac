/// A per-user sliding-window log: at most `limit` accepted requests in any window of
/// `window`. Exact, unlike a fixed window, which would let 2× the limit through around a
/// window boundary.
struct SlidingWindowRateLimiter {
    /// The outcome of one request.
    enum Decision: Equatable {
        case allowed
        /// Rejected; the oldest counted request leaves the window after this many whole
        /// seconds (at least 1), the value of `Retry-After`.
        case throttled(retryAfterSeconds: Int)
    }

    let limit: Int
    let window: Duration
    private var accepted: [String: [ContinuousClock.Instant]] = [:]

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    mutating func admit(user: String, at now: ContinuousClock.Instant) -> Decision {
        if let seconds = retryAfter(user: user, at: now) {
            return .throttled(retryAfterSeconds: seconds)
        }
        record(user: user, at: now)
        return .allowed
    }

    /// The whole seconds (at least 1) until `user` may make another request, or `nil` when it
    /// may now. Counts nothing, so that a request checked against several limiters is recorded
    /// in all of them or in none.
    func retryAfter(user: String, at now: ContinuousClock.Instant) -> Int? {
        let times = accepted[user, default: []].filter { now - $0 < window }
        guard times.count >= limit else { return nil }
        let wait = times[0] + window - now
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        return max(1, Int(seconds.rounded(.up)))
    }

    /// Counts an admitted request of `user`.
    mutating func record(user: String, at now: ContinuousClock.Instant) {
        var times = accepted[user, default: []]
        times.removeAll { now - $0 >= window }
        times.append(now)
        accepted[user] = times
    }
}
