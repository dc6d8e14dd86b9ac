/// Counters of a running simulator, for tests and the demo summary.
public struct SimulatorStatistics: Sendable, Equatable {
    /// Every request received, including errors and unknown routes.
    public var totalRequests: Int
    /// Requests answered 429 by the rate limit (not scripted 429 steps).
    public var throttledRequests: Int
    /// Throttled requests per API: `query`, `download`, `create:<operation>`.
    public var throttledByAPI: [String: Int]
    /// Requests answered 401.
    public var unauthorizedRequests: Int
    /// Status polls per task id that reached the task's script (scripted HTTP errors
    /// included; unauthenticated, throttled and unknown-task requests excluded).
    public var polls: [String: Int]
    /// Downloads answered 200 per file id, truncated ones (``truncatedDownloads``) included.
    public var downloads: [String: Int]
    /// Downloads cut off by the `truncate_downloads` fault, per file id.
    public var truncatedDownloads: [String: Int]
    /// Faults injected by the scenario's `faults` rules, per route and mode:
    /// `query:html_502`, `create:reset`, `download:stall`.
    public var faults: [String: Int]
    /// Tasks created by the create routes.
    public var creations: Int
    /// Created tasks per export identity (``SimulatorCreation/identity``): an export created
    /// twice has a count of 2.
    public var exports: [String: Int]

    /// Creates statistics; all counters start at zero.
    public init(
        totalRequests: Int = 0,
        throttledRequests: Int = 0,
        unauthorizedRequests: Int = 0,
        polls: [String: Int] = [:],
        downloads: [String: Int] = [:],
        throttledByAPI: [String: Int] = [:],
        truncatedDownloads: [String: Int] = [:],
        creations: Int = 0,
        exports: [String: Int] = [:],
        faults: [String: Int] = [:]
    ) {
        self.faults = faults
        self.totalRequests = totalRequests
        self.throttledRequests = throttledRequests
        self.unauthorizedRequests = unauthorizedRequests
        self.polls = polls
        self.downloads = downloads
        self.throttledByAPI = throttledByAPI
        self.truncatedDownloads = truncatedDownloads
        self.creations = creations
        self.exports = exports
    }

    /// Export identities created more than once; empty when no export was created twice.
    public var duplicateExports: [String] {
        exports.filter { $0.value > 1 }.keys.sorted()
    }

    /// The number of faults injected on `route` (`query`, `create`, `download`) with `mode`.
    public func faults(_ route: String, _ mode: SimulatorScenario.FaultRule.Mode) -> Int {
        faults["\(route):\(mode.rawValue)"] ?? 0
    }

    /// The number of polls of `taskID`; 0 for a task never polled.
    public func polls(of taskID: String) -> Int {
        polls[taskID] ?? 0
    }
}
