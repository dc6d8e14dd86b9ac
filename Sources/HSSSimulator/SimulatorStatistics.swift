/// Counters of a running simulator, for tests and the demo summary.
public struct SimulatorStatistics: Sendable, Equatable {
    /// Every request received, including errors and unknown routes.
    public var totalRequests: Int
    /// Requests answered 429 by the rate limit (not scripted 429 steps).
    public var throttledRequests: Int
    /// Requests answered 401.
    public var unauthorizedRequests: Int
    /// Status polls per task id that reached the task's script (scripted HTTP errors
    /// included; unauthenticated, throttled and unknown-task requests excluded).
    public var polls: [String: Int]
    /// Successful downloads per file id.
    public var downloads: [String: Int]

    /// Creates statistics; all counters start at zero.
    public init(
        totalRequests: Int = 0,
        throttledRequests: Int = 0,
        unauthorizedRequests: Int = 0,
        polls: [String: Int] = [:],
        downloads: [String: Int] = [:]
    ) {
        self.totalRequests = totalRequests
        self.throttledRequests = throttledRequests
        self.unauthorizedRequests = unauthorizedRequests
        self.polls = polls
        self.downloads = downloads
    }

    /// The number of polls of `taskID`; 0 for a task never polled.
    public func polls(of taskID: String) -> Int {
        polls[taskID] ?? 0
    }
}
