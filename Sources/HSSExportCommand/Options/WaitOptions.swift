import ArgumentParser
import ExportPipeline
import ExportStageKit

/// Backoff, deadline and budget for `wait`, with the pipeline file's
/// defaults; with `wait --pipeline`, only the options given override the
/// file's `wait:` settings.
struct WaitOptions: ParsableArguments {
    @Option(help: .duration("Per-task deadline, counted from the start of the wait, e.g. 30m", default: WaitPolicy().timeout))
    var timeout: String?

    @Option(
        name: .customLong("initial-interval"),
        help: .duration("The shortest time between two polls of a task, at first", default: WaitPolicy().initialInterval))
    var initialInterval: String?

    @Option(name: .customLong("max-interval"), help: .duration("The longest time between two polls of a task", default: WaitPolicy().maxInterval))
    var maxInterval: String?

    @Option(
        help: ArgumentHelp(
            "Status requests in flight at the same time (every task is waited for from the start; default: \(WaitPolicy().concurrency)).",
            valueName: "count"))
    var concurrency: Int?

    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp(
            "Request budget shared by all tasks, as REQUESTS/PERIOD (HSS allows about 5 per minute; default: "
                + "\(WaitPolicy().rateLimit.requests)/\(DurationText.format(WaitPolicy().rateLimit.period))).",
            valueName: "requests/period"))
    var rateLimit: String?

    /// Refuses bad values before anything else happens (exit 2).
    func validate() throws {
        _ = try policy()
    }

    /// `base` (the defaults, or a pipeline file's `wait:`) with the options given applied.
    func policy(base: WaitPolicy = WaitPolicy()) throws -> WaitPolicy {
        var policy = base
        if let timeout { policy.timeout = try duration(timeout, option: "--timeout") }
        if let initialInterval { policy.initialInterval = try duration(initialInterval, option: "--initial-interval") }
        if let maxInterval { policy.maxInterval = try duration(maxInterval, option: "--max-interval") }
        guard policy.maxInterval >= policy.initialInterval else {
            throw ValidationError(
                "--max-interval (\(DurationText.format(policy.maxInterval))) must be at least --initial-interval "
                    + "(\(DurationText.format(policy.initialInterval)))")
        }
        if let concurrency {
            guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64, not \(concurrency)") }
            policy.concurrency = concurrency
        }
        guard let rateLimit else { return policy }
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
