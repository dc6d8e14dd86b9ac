public import Foundation

/// The run as a whole, handed to every stage's `finish`.
public struct RunSummary: Sendable, Equatable {
    /// The run's id (also in every record).
    public var runID: String
    /// When the run started polling.
    public var startedAt: Date
    /// When the last task finished.
    public var finishedAt: Date
    /// How many tasks ended with each outcome (outcomes with no task are absent).
    public var outcomes: [TaskOutcome: Int]
    /// Whether the run was interrupted by a signal.
    public var interrupted: Bool

    /// Creates a summary.
    public init(runID: String, startedAt: Date, finishedAt: Date, outcomes: [TaskOutcome: Int], interrupted: Bool = false) {
        self.runID = runID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcomes = outcomes
        self.interrupted = interrupted
    }

    /// Builds the summary of `results`.
    public init(runID: String, startedAt: Date, finishedAt: Date, results: [ExportResult], interrupted: Bool = false) {
        var outcomes: [TaskOutcome: Int] = [:]
        for result in results { outcomes[result.outcome, default: 0] += 1 }
        self.init(runID: runID, startedAt: startedAt, finishedAt: finishedAt, outcomes: outcomes, interrupted: interrupted)
    }

    /// How many tasks ended with `outcome`.
    public func count(of outcome: TaskOutcome) -> Int { outcomes[outcome] ?? 0 }

    /// All tasks of the run.
    public var taskCount: Int { outcomes.values.reduce(0, +) }

    /// Seconds from start to finish.
    public var durationSeconds: Double { finishedAt.timeIntervalSince(startedAt) }

    /// The summary as JSON with every outcome listed (zeros included), in a stable order.
    public var jsonValue: JSONValue {
        .object([
            ("run_id", .string(runID)),
            ("started_at", .string(RFC3339.format(startedAt))),
            ("finished_at", .string(RFC3339.format(finishedAt))),
            ("duration_seconds", .number((durationSeconds * 1000).rounded() / 1000)),
            ("tasks", .integer(taskCount)),
            ("outcomes", .object(TaskOutcome.allCases.map { ($0.rawValue, .integer(count(of: $0))) })),
            ("interrupted", .bool(interrupted)),
        ])
    }
}
