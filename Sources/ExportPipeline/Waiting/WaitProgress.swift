public import ExportStageKit
public import Foundation

/// How a wait stands: what a progress line shows.
public struct WaitProgress: Sendable, Equatable {
    /// When the wait started.
    public var startedAt: Date
    /// Tasks waited for in all.
    public var taskCount: Int
    /// Tasks done so far, by outcome.
    public var outcomes: [TaskOutcome: Int]
    /// Status requests sent so far.
    public var requests: Int
    /// Requests answered with a 429 / `APIG.0308` so far.
    public var throttled: Int
    /// The budget the requests are spent under.
    public var budget: WaitPolicy.RateLimit
    /// When the next request is due to go out; `nil` while waiting for an
    /// answer or when nothing is left to ask.
    public var nextRequestAt: Date?

    /// Creates a progress report.
    public init(
        startedAt: Date,
        taskCount: Int,
        outcomes: [TaskOutcome: Int] = [:],
        requests: Int = 0,
        throttled: Int = 0,
        budget: WaitPolicy.RateLimit,
        nextRequestAt: Date? = nil
    ) {
        self.startedAt = startedAt
        self.taskCount = taskCount
        self.outcomes = outcomes
        self.requests = requests
        self.throttled = throttled
        self.budget = budget
        self.nextRequestAt = nextRequestAt
    }

    /// Tasks done so far.
    public var finished: Int { outcomes.values.reduce(0, +) }
}
