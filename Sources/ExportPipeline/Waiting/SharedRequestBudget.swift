/// A request budget shared beyond this run: other hss-export processes on
/// the host that spend the same credential's budget (``HostBudgetLedger``).
///
/// The waiter asks it for a slot just before it sends a request the plan
/// allowed, and tells it when the answer came, so the window (anchored on
/// answers, like ``RequestWindow``'s) counts what every participant sent.
/// It enforces the limit of the plan's window for that kind (the pipeline's
/// `wait` budgets, lowered by 429s), so every process that uses the same
/// pipeline settings holds the host to one budget.
public protocol SharedRequestBudget: Sendable {
    /// Waits until a request of `api` (`create`, `query` or `download`) under
    /// `key` fits in `limit` across every participant, records it as sent, and
    /// returns its ticket; returns `nil`, without recording anything, when no
    /// slot comes before `notAfter`.
    ///
    /// Sleeps on `clock`; throws `CancellationError` when cancelled while
    /// waiting (nothing is recorded then). Other errors (the ledger cannot be
    /// read or written) mean the budget is unavailable: the caller sends
    /// anyway, under its own budget.
    func acquire(
        key: String, api: String, limit: WaitPolicy.RateLimit, clock: WaitClock, notAfter: WaitClock.Instant?
    ) async throws -> SharedBudgetTicket?

    /// The request of `ticket` was answered (or failed) at `at`. Never
    /// throws and runs to the end even in a cancelled task, so an interrupted
    /// run leaves no request counted as in flight.
    func release(_ ticket: SharedBudgetTicket, at: WaitClock.Instant, clock: WaitClock) async
}

/// One request counted in a ``SharedRequestBudget``.
public struct SharedBudgetTicket: Sendable, Hashable {
    /// The budget key.
    public var key: String
    /// The API.
    public var api: String
    /// The entry's id, unique on the host.
    public var id: String

    /// Creates a ticket.
    public init(key: String, api: String, id: String) {
        self.key = key
        self.api = api
        self.id = id
    }
}
