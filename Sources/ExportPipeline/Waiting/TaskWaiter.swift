public import ExportStageKit
import Foundation
public import Logging

/// Polls export tasks until each succeeds, fails, errors or times out.
///
/// Per task: exponential backoff with jitter, capped at `maxInterval`, and a
/// deadline `timeout` after the first poll (with one last poll at the
/// deadline). Across tasks: at most `concurrency` at a time, and one
/// ``RequestBudget``. Cancelling the surrounding task ends every unfinished
/// task with outcome `interrupted`; results are still delivered.
public struct TaskWaiter: Sendable {
    /// Something that happened while waiting, for progress displays.
    public enum Event: Sendable {
        /// A status request was answered (or failed) for the task at `index`.
        case polled(index: Int, taskID: String, status: String?)
        /// The task at `index` is done.
        case finished(index: Int, result: ExportResult)
        /// How the run stands, after every request sent or answered: for a
        /// progress line.
        case progress(WaitProgress)
    }

    /// Backoff, deadline, concurrency and budget.
    public var policy: WaitPolicy
    /// Where statuses come from.
    public var source: any TaskStatusSource
    /// The fields every record carries.
    public var scope: ResultScope
    /// Where polls are logged (at debug).
    public var logger: Logger
    /// The time deadlines, delays and the budget run on.
    public var clock: WaitClock
    /// Where the jitter of the delays comes from.
    public var random: RandomSource

    /// Creates a waiter.
    ///
    /// - Parameters:
    ///   - policy: backoff, deadline, concurrency and budget.
    ///   - source: where statuses come from.
    ///   - scope: the fields every record carries.
    ///   - logger: where polls are logged; default a logger labelled `hss-export.wait`.
    ///   - clock: the time to wait in; default the real, monotonic clock.
    ///   - random: the jitter's source; default the system's generator.
    public init(
        policy: WaitPolicy,
        source: any TaskStatusSource,
        scope: ResultScope,
        logger: Logger = Logger(label: "hss-export.wait"),
        clock: WaitClock = .continuous,
        random: RandomSource = .system
    ) {
        self.policy = policy
        self.source = source
        self.scope = scope
        self.logger = logger
        self.clock = clock
        self.random = random
    }

    /// Waits for every task, reporting each result (with its index in `tasks`)
    /// as soon as it is known, in the order they finish.
    public func wait(
        for tasks: [TaskSpec],
        budget: RequestBudget? = nil,
        onEvent: @escaping @Sendable (Event) async -> Void
    ) async {
        let budget = budget ?? RequestBudget(policy.rateLimit, clock: clock)
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() {
                guard next < tasks.count else { return }
                let index = next
                next += 1
                group.addTask {
                    let result = await waitForTask(tasks[index], index: index, budget: budget, onEvent: onEvent)
                    await onEvent(.finished(index: index, result: result))
                }
            }
            for _ in 0..<min(max(policy.concurrency, 1), tasks.count) { startNext() }
            while await group.next() != nil {
                if Task.isCancelled { break }
                startNext()
            }
            await group.waitForAll()
            // Tasks that never got a slot are reported as interrupted, so every task has a record.
            while next < tasks.count {
                let index = next
                next += 1
                await onEvent(.finished(index: index, result: scope.initialResult(for: tasks[index])))
            }
        }
    }

    /// Waits for one task and returns its record.
    public func waitForTask(
        _ task: TaskSpec,
        index: Int = 0,
        budget: RequestBudget,
        onEvent: @escaping @Sendable (Event) async -> Void = { _ in }
    ) async -> ExportResult {
        var tracker = TaskTracker(result: scope.initialResult(for: task))
        // Set at the first poll: time spent queueing for the budget before
        // the first request is not the task's time.
        var deadline: WaitClock.Instant?
        var generator = random.generator
        var attempt = 0
        var isFinalPoll = false
        // Unreachable (5xx, network) on the last poll means outcome `error`;
        // throttled or still running means `timed_out`.
        var lastPollUnreachable = false
        // One last poll is allowed a little past the deadline so a budget slot
        // landing just after it doesn't turn a finished task into a timeout.
        let grace = Duration.seconds(1)

        while true {
            let permit: RequestBudget.Permit
            do {
                let limit = deadline.map { isFinalPoll ? $0 + grace : $0 } ?? clock.now + .seconds(365 * 86_400)
                guard let granted = try await budget.acquire(before: limit) else {
                    // No regular poll fits before the deadline (the budget is
                    // spent, or a busy machine woke us late): wait for the
                    // deadline and try the final poll, within the grace.
                    if let deadline, !isFinalPoll {
                        isFinalPoll = true
                        try await clock.sleep(until: deadline)
                        continue
                    }
                    return tracker.finish(lastPollUnreachable ? .error : .timedOut, clock: clock)
                }
                permit = granted
            } catch {
                return tracker.finish(.interrupted, clock: clock)
            }
            if deadline == nil { deadline = clock.now + policy.timeout }
            tracker.markPoll(clock: clock)
            var delay = policy.delay(afterAttempt: attempt, using: &generator)
            do {
                let status: TaskStatus
                do {
                    status = try await source.status(of: task.id)
                    await budget.release(permit)
                } catch {
                    await budget.release(permit)
                    throw error
                }
                tracker.apply(status)
                lastPollUnreachable = false
                logger.debug(
                    "polled", metadata: ["task_id": "\(task.id)", "task_status": "\(status.taskStatus ?? "-")", "poll": "\(tracker.result.polls)"])
                await onEvent(.polled(index: index, taskID: task.id, status: status.taskStatus))
                switch status.taskStatus {
                case "success": return tracker.finish(.succeeded, clock: clock)
                case "failure": return tracker.finish(.failed, clock: clock)
                default: break
                }
            } catch is CancellationError {
                return tracker.finish(.interrupted, clock: clock)
            } catch {
                if Task.isCancelled { return tracker.finish(.interrupted, clock: clock) }
                let failure = error as? any TaskStatusFailure
                tracker.result.error = failure?.recordFailure ?? ExportResult.Failure(code: "transport", message: "\(error)")
                await onEvent(.polled(index: index, taskID: task.id, status: nil))
                switch failure?.disposition ?? .transient {
                case .permanent, .credentialsRejected:
                    logger.warning("task refused", metadata: ["task_id": "\(task.id)", "error": "\(error)"])
                    return tracker.finish(.error, clock: clock)
                case .throttled(let retryAfter):
                    lastPollUnreachable = false
                    let wait = max(retryAfter ?? delay, delay)
                    logger.notice(
                        "throttled by HSS; pausing all requests",
                        metadata: ["task_id": "\(task.id)", "retry_after_s": "\(DurationText.seconds(in: wait))"])
                    await budget.pause(for: wait)
                    delay = wait
                case .transient, .transientAtMost:
                    lastPollUnreachable = true
                    logger.notice("status request failed; will retry", metadata: ["task_id": "\(task.id)", "error": "\(error)"])
                }
            }
            if isFinalPoll {
                return tracker.finish(lastPollUnreachable ? .error : .timedOut, clock: clock)
            }
            attempt += 1
            let now = clock.now
            if let deadline, now + delay >= deadline {
                delay = max(deadline - now, .zero)
                isFinalPoll = true
            }
            do {
                try await clock.sleep(for: delay)
            } catch {
                return tracker.finish(.interrupted, clock: clock)
            }
        }
    }
}

/// The record of one task as its wait goes on.
private struct TaskTracker {
    var result: ExportResult
    var firstPoll: WaitClock.Instant?

    mutating func markPoll(clock: WaitClock) {
        if firstPoll == nil {
            let now = clock.now
            firstPoll = now
            result.firstPolledAt = clock.date(at: now)
        }
        result.polls += 1
    }

    mutating func apply(_ status: TaskStatus) {
        result.error = nil
        if let name = status.taskName { result.taskName = name }
        result.taskStatus = status.taskStatus
        if let fileID = status.fileID { result.fileID = fileID }
        if let fileName = status.fileName { result.fileName = fileName }
    }

    mutating func finish(_ outcome: TaskOutcome, clock: WaitClock) -> ExportResult {
        result.outcome = outcome
        if let firstPoll {
            let now = clock.now
            result.finishedAt = clock.date(at: now)
            result.waitSeconds = DurationText.seconds(in: now - firstPoll)
        }
        return result
    }
}
