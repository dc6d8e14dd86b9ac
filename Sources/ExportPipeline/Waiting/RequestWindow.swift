/// The request budget as HSS counts it: at most `requests` requests in any
/// window of `period`, plus a pause after the API throttles us.
///
/// A sliding-window log, not a token bucket: a bucket that starts full allows
/// up to twice the limit in the first period. The window of request
/// `k + limit` is anchored on the *answer* to request `k`, not on when `k` was
/// sent: the server saw `k` before we got its answer, so the window holds as
/// the server counts it whatever the network delay.
///
/// Requests are also paced `period ÷ limit` apart: a burst would spend the
/// window at once and then leave every task waiting for it to slide, where
/// even spacing finds a finished task about as soon as the budget allows.
///
/// When the configured budget is higher than the server's, a 429 lowers the
/// limit to what the server accepted in the window before it, so a run
/// learns the real budget after a throttled response or two. It is not
/// raised again within the run: a run is short, and each raise would cost
/// another 429.
///
/// A value type with no clock of its own: the scheduler asks it when the next
/// request may go and tells it what happened.
package struct RequestWindow: Sendable {
    /// The configured budget.
    package let configured: WaitPolicy.RateLimit
    /// The limit in force: the configured one, or less after 429s.
    package private(set) var limit: Int
    private var sentAt: [WaitClock.Instant] = []
    private var answeredAt: [Int: WaitClock.Instant] = [:]
    private var pausedUntil: WaitClock.Instant?
    private var throttledRequests: Set<Int> = []

    /// A window for `budget`.
    package init(_ budget: WaitPolicy.RateLimit) {
        configured = budget
        limit = max(budget.requests, 1)
    }

    /// How many requests have been sent.
    package var sent: Int { sentAt.count }

    /// The earliest time the next request may go out, or `nil` when that
    /// depends on an answer still outstanding (the request the window is
    /// anchored on is in flight).
    package func earliestNextRequest(notBefore now: WaitClock.Instant) -> WaitClock.Instant? {
        var start = max(now, pausedUntil ?? now)
        if let last = sentAt.last {
            start = max(start, last + configured.period / limit)
        }
        let anchor = sentAt.count - limit
        if anchor >= 0 {
            guard let answered = answeredAt[anchor] else { return nil }
            start = max(start, answered + configured.period)
        }
        return start
    }

    /// Records a request sent at `instant`; returns its number.
    package mutating func recordSent(at instant: WaitClock.Instant) -> Int {
        sentAt.append(instant)
        return sentAt.count - 1
    }

    /// Records that request `number` was answered (or failed) at `instant`.
    package mutating func recordAnswer(_ number: Int, at instant: WaitClock.Instant) {
        answeredAt[number] = instant
    }

    /// Request `number` was throttled at `instant`: hold everything back for
    /// `retryAfter` (at least one period when the server gives none) and
    /// lower the limit to what the server allowed before it.
    package mutating func recordThrottle(_ number: Int, retryAfter: Duration?, at instant: WaitClock.Instant) {
        let wait = retryAfter ?? configured.period
        let until = instant + wait
        if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
        throttledRequests.insert(number)
        let windowStart = instant + (Duration.zero - configured.period)
        var accepted = 0
        for index in sentAt.indices.reversed() {
            guard sentAt[index] > windowStart else { break }
            if index < number && !throttledRequests.contains(index) { accepted += 1 }
        }
        // Throttled with nothing of ours in the window: someone else spends the
        // budget; nothing to learn from that.
        if accepted > 0 { limit = min(limit, accepted) }
    }

    /// When everything is paused until, after a 429.
    package var pause: WaitClock.Instant? { pausedUntil }
}
