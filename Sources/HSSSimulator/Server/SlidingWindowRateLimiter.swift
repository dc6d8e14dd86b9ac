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
        var times = accepted[user, default: []]
        times.removeAll { now - $0 >= window }
        defer { accepted[user] = times }
        guard times.count < limit else {
            let wait = times[0] + window - now
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            return .throttled(retryAfterSeconds: max(1, Int(seconds.rounded(.up))))
        }
        times.append(now)
        return .allowed
    }
}
