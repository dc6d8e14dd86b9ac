/// One source of a run, as the waiter sees it: where its requests go, what
/// its records carry, and which budget they are spent under.
public struct WaitSource: Sendable {
    /// Where statuses come from; an ``ExportTaskService`` for creates and downloads.
    public var service: any TaskStatusSource
    /// The fields its records carry.
    public var scope: ResultScope
    /// Sources with equal keys share one budget per API, as HSS counts
    /// requests per user: the credential's secret-free identity. Also the
    /// host-wide ledger's key, so it must never hold a secret.
    public var budgetKey: String

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - service: where its requests go.
    ///   - scope: the fields its records carry.
    ///   - budgetKey: the budget it shares with sources of the same key;
    ///     default `"default"` (one budget for the run, as a single-source run has).
    public init(service: any TaskStatusSource, scope: ResultScope, budgetKey: String = "default") {
        self.service = service
        self.scope = scope
        self.budgetKey = budgetKey
    }
}
