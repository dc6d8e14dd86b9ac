import ExportStageKit

/// The request budget shared by every task of a run: at most `requests`
/// requests in any window of `period` *as the server sees them*, handed out
/// in order, plus a pause after the API throttles us.
///
/// HSS counts calls per API per user, so the budget is one per run, not one
/// per task. It is a sliding-window log rather than a token bucket because a
/// bucket that starts full allows up to twice the limit in the first period.
/// The window of request `k + requests` is anchored on the *response* to
/// request `k`, not on when `k` was sent: the server saw `k` before we got its
/// answer, so this holds whatever the network delay, where anchoring on send
/// times gets a 429 whenever an early request travels slower than a later one.
public actor RequestBudget {
    /// Permission to send one request; hand it back with ``release(_:)``.
    public struct Permit: Sendable {
        let number: Int
    }

    private let limit: Int
    private let period: Duration
    private var sentAt: [Int: WaitClock.Instant] = [:]
    private var answeredAt: [Int: WaitClock.Instant] = [:]
    private var pausedUntil: WaitClock.Instant?
    private let clock: WaitClock
    /// How many requests the budget has granted.
    public private(set) var granted = 0

    /// A budget of `rateLimit.requests` per `rateLimit.period`, timed by `clock`.
    public init(_ rateLimit: WaitPolicy.RateLimit, clock: WaitClock = .continuous) {
        limit = max(rateLimit.requests, 1)
        period = rateLimit.period
        self.clock = clock
    }

    /// Waits until one more request may be sent.
    ///
    /// - Returns: a permit, or `nil` when the request could not go out before
    ///   `deadline` (the caller's task has run out of time).
    /// - Throws: `CancellationError` when the run is interrupted.
    public func acquire(before deadline: WaitClock.Instant) async throws -> Permit? {
        let number = granted
        guard let planned = earliestStart(of: number, notBefore: max(clock.now, sentAt[number - 1] ?? clock.now)), planned <= deadline else {
            return nil
        }
        granted += 1
        sentAt[number] = planned
        sentAt[number - limit - 1] = nil
        answeredAt[number - limit - 1] = nil
        do {
            // Re-check after every sleep: the anchor request may still be in
            // flight, and a 429 may have paused everyone meanwhile.
            while let start = earliestStart(of: number, notBefore: planned), start > clock.now {
                guard start <= deadline else {
                    abandon(number)
                    return nil
                }
                try await clock.sleep(until: start)
            }
        } catch {
            abandon(number)
            throw error
        }
        sentAt[number] = clock.now
        return Permit(number: number)
    }

    /// Records that the request's response (or failure) has arrived.
    public func release(_ permit: Permit) {
        if permit.number >= granted - limit { answeredAt[permit.number] = clock.now }
    }

    /// Holds every request back for `duration` (after a 429 / `APIG.0308`).
    public func pause(for duration: Duration) {
        let until = clock.now + duration
        if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
    }

    /// When request `number` may start, given what is known now; `nil` never happens
    /// for a request whose anchor is known, and means "poll again shortly" otherwise.
    private func earliestStart(of number: Int, notBefore floor: WaitClock.Instant) -> WaitClock.Instant? {
        var start = max(floor, pausedUntil ?? floor)
        let anchor = number - limit
        if anchor >= 0 {
            if let answered = answeredAt[anchor] {
                start = max(start, answered + period)
            } else if let sent = sentAt[anchor] {
                // Still in flight: at least a period after it was sent, and look again soon.
                start = max(start, sent + period, clock.now + .milliseconds(10))
            }
        }
        return start
    }

    /// A granted request that will not be sent: let later ones anchor on now.
    private func abandon(_ number: Int) {
        answeredAt[number] = clock.now
    }
}
