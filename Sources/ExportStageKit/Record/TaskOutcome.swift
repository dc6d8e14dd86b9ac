/// How the wait for one export task ended, from the pipeline's point of view.
public enum TaskOutcome: String, Sendable, CaseIterable, Codable {
    /// HSS reported `success`.
    case succeeded
    /// HSS reported `failure`.
    case failed
    /// The task's deadline passed while HSS still reported it running.
    case timedOut = "timed_out"
    /// HSS refused the query (auth, permission, not found) or could not be reached.
    case error
    /// The run was interrupted (SIGINT/SIGTERM) before the task finished.
    case interrupted
}
