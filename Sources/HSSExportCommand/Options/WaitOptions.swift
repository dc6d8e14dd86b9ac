import ArgumentParser
import ExportPipeline
import ExportStageKit

/// Backoff, deadline and budget for `wait`, with the pipeline file's defaults.
struct WaitOptions: ParsableArguments {
    @Option(help: "Per-task deadline, counted from the start of the wait, e.g. 30m.")
    var timeout: String = DurationText.format(WaitPolicy().timeout)

    @Option(name: .customLong("initial-interval"), help: "The shortest time between two polls of a task, at first.")
    var initialInterval: String = DurationText.format(WaitPolicy().initialInterval)

    @Option(name: .customLong("max-interval"), help: "The longest time between two polls of a task.")
    var maxInterval: String = DurationText.format(WaitPolicy().maxInterval)

    @Option(help: "Status requests in flight at the same time (every task is waited for from the start).")
    var concurrency: Int = WaitPolicy().concurrency

    @Option(name: .customLong("rate-limit"), help: "Request budget shared by all tasks, as REQUESTS/PERIOD (HSS allows about 5 per minute).")
    var rateLimit: String = "\(WaitPolicy().rateLimit.requests)/\(DurationText.format(WaitPolicy().rateLimit.period))"

    /// Refuses bad values before anything else happens (exit 2).
    func validate() throws {
        _ = try policy()
    }

    func policy() throws -> WaitPolicy {
        var policy = WaitPolicy()
        policy.timeout = try duration(timeout, option: "--timeout")
        policy.initialInterval = try duration(initialInterval, option: "--initial-interval")
        policy.maxInterval = try duration(maxInterval, option: "--max-interval")
        guard policy.maxInterval >= policy.initialInterval else {
            throw ValidationError("--max-interval must be at least --initial-interval")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64, not \(concurrency)") }
        policy.concurrency = concurrency
        let parts = rateLimit.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let period = DurationText.parse(parts[1]), period > .zero else {
            throw ValidationError(
                "--rate-limit '\(rateLimit.prefix(40))' is not REQUESTS/PERIOD with \(DurationText.rangeDescription(minimum: .milliseconds(1))); "
                    + "write e.g. 5/1m")
        }
        guard let requests = Int(parts[0]), Self.requestRange.contains(requests) else {
            throw ValidationError(
                "--rate-limit '\(rateLimit.prefix(40))': the number of requests must be between \(Self.requestRange.lowerBound) and "
                    + "\(Self.requestRange.upperBound); write e.g. 5/1m")
        }
        policy.rateLimit = .init(requests: requests, per: period)
        return policy
    }

    /// The pipeline file's range for `requests` in a rate limit.
    static let requestRange = 1...100_000

    /// A duration from 1ms to ``DurationText/maximum``; a value out of range
    /// is refused here, so the scheduler never computes with it.
    private func duration(_ text: String, option: String) throws -> Duration {
        try DurationOption.parse(text, option: option, minimum: .milliseconds(1))
    }
}
