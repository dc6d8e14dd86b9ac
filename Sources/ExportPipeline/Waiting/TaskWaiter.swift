public import ExportStageKit
import Foundation
public import Logging

/// Polls export tasks until each succeeds, fails, errors or times out: one
/// scheduler for the whole run.
///
/// Every task is known from the start; each request the budget allows goes
/// to the task most worth polling now (see ``PollPlan`` for the rules), with
/// at most `concurrency` requests in flight. Cancelling the surrounding task
/// ends every unfinished task with outcome `interrupted`; results are still
/// delivered.
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
    public func wait(for tasks: [TaskSpec], onEvent: @escaping @Sendable (Event) async -> Void) async {
        let start = clock.now
        var plan = PollPlan(taskCount: tasks.count, policy: policy, start: start, random: random)
        var trackers = tasks.map { TaskTracker(result: scope.initialResult(for: $0)) }
        var refusal: ExportResult.Failure?
        let (answers, continuation) = AsyncStream.makeStream(of: Completion.self)
        var pending = answers.makeAsyncIterator()
        let source = self.source
        let clock = self.clock

        func report(_ finished: [Int]) async {
            for index in finished {
                if trackers[index].result.error == nil, plan.outcomes[index] == .error, let refusal { trackers[index].result.error = refusal }
                let result = trackers[index].finish(plan.outcomes[index] ?? .interrupted, clock: clock)
                await onEvent(.finished(index: index, result: result))
            }
        }
        func progress() async {
            var outcomes: [TaskOutcome: Int] = [:]
            for outcome in plan.outcomes.compactMap({ $0 }) { outcomes[outcome, default: 0] += 1 }
            let now = clock.now
            await onEvent(
                .progress(
                    WaitProgress(
                        startedAt: clock.date(at: start), taskCount: tasks.count, outcomes: outcomes, requests: plan.requests,
                        throttled: plan.throttled, budget: policy.rateLimit, nextRequestAt: plan.nextRequestTime(now: now).map(clock.date(at:))
                    )))
        }

        await withTaskGroup(of: Void.self) { group in
            loop: while !Task.isCancelled {
                let action = plan.next(now: clock.now)
                await report(plan.takeFinished())
                switch action {
                case .done:
                    break loop
                case .send(let index, let request):
                    trackers[index].markPoll(clock: clock)
                    let taskID = tasks[index].id
                    group.addTask {
                        let answer: Result<TaskStatus, any Error>
                        do {
                            answer = .success(try await source.status(of: taskID))
                        } catch {
                            answer = .failure(error)
                        }
                        continuation.yield(.answer(task: index, request: request, answer))
                    }
                    await progress()
                case .wait(let until):
                    // Wake at `until` unless an answer comes first.
                    let timer = until.map { deadline in
                        Task {
                            do {
                                try await clock.sleep(until: deadline)
                                continuation.yield(.wake)
                            } catch {}
                        }
                    }
                    let next = await pending.next()
                    timer?.cancel()
                    guard let next else { break loop }
                    guard case .answer(let index, let request, let answer) = next else { continue loop }
                    if Task.isCancelled { break loop }
                    let outcome = apply(answer, to: &trackers[index], taskID: tasks[index].id, index: index)
                    if case .failure(.credentialsRejected) = outcome, refusal == nil {
                        refusal = trackers[index].result.error
                        logger.error("HSS refused the credentials; ending every task", metadata: ["error": "\(refusal?.message ?? "")"])
                    }
                    plan.answered(task: index, request: request, answer: outcome, at: clock.now)
                    await onEvent(.polled(index: index, taskID: tasks[index].id, status: trackers[index].lastStatus))
                    await report(plan.takeFinished())
                    await progress()
                }
            }
            group.cancelAll()
            continuation.finish()
        }
        plan.interrupt()
        await report(plan.takeFinished())
    }

    /// Waits for one task and returns its record.
    public func waitForTask(_ task: TaskSpec) async -> ExportResult {
        let collected = CollectedResults()
        await wait(for: [task]) { event in
            if case .finished(_, let result) = event { await collected.set(result) }
        }
        return await collected.result ?? scope.initialResult(for: task)
    }

    /// Folds one answer into the task's record and says what it means for the plan.
    private func apply(_ answer: Result<TaskStatus, any Error>, to tracker: inout TaskTracker, taskID: String, index: Int) -> PollPlan.Answer {
        switch answer {
        case .success(let status):
            tracker.apply(status)
            logger.debug(
                "polled", metadata: ["task_id": "\(taskID)", "task_status": "\(status.taskStatus ?? "-")", "poll": "\(tracker.result.polls)"])
            return .status(status.taskStatus)
        case .failure(let error):
            tracker.lastStatus = nil
            if error is CancellationError { return .failure(.transient) }
            let failure = error as? any TaskStatusFailure
            tracker.result.error = failure?.recordFailure ?? ExportResult.Failure(code: "transport", message: "\(error)")
            let disposition = failure?.disposition ?? .transient
            switch disposition {
            case .permanent:
                logger.warning("task refused", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
            case .credentialsRejected:
                break
            case .throttled(let retryAfter):
                logger.notice(
                    "throttled by HSS; pausing all requests",
                    metadata: ["task_id": "\(taskID)", "retry_after_s": "\(retryAfter.map { DurationText.seconds(in: $0) } ?? 0)"]
                )
            case .transient, .transientAtMost:
                logger.notice("status request failed; will retry", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
            }
            return .failure(disposition)
        }
    }
}

/// What the request tasks and timers tell the scheduler loop.
private enum Completion: Sendable {
    case answer(task: Int, request: Int, Result<TaskStatus, any Error>)
    case wake
}

private actor CollectedResults {
    var result: ExportResult?
    func set(_ value: ExportResult) { result = value }
}

/// The record of one task as its wait goes on.
private struct TaskTracker {
    var result: ExportResult
    var firstPoll: WaitClock.Instant?
    var lastStatus: String?

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
        lastStatus = status.taskStatus
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
