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
        /// The export at `index` was created as task `taskID`.
        case created(index: Int, taskID: String)
        /// The file of the task at `index` was downloaded and verified.
        case downloaded(index: Int, archive: DownloadedArchive)
        /// The task at `index` is done.
        case finished(index: Int, result: ExportResult)
        /// How the run stands, after every request sent or answered: for a
        /// progress line.
        case progress(WaitProgress)
    }

    /// Backoff, deadline, concurrency and budget.
    public var policy: WaitPolicy
    /// The run's sources; each job names one (``WaitJob/source``). Sources
    /// with equal ``WaitSource/budgetKey`` share one budget per API.
    public var sources: [WaitSource]
    /// The first source's service: where statuses come from in a single-source run.
    public var source: any TaskStatusSource {
        get { sources[0].service }
        set { sources[0].service = newValue }
    }
    /// The first source's fields: what every record of a single-source run carries.
    public var scope: ResultScope {
        get { sources[0].scope }
        set { sources[0].scope = newValue }
    }
    /// The budget shared with other processes on the host; `nil` for this run's own only.
    public var sharedBudget: (any SharedRequestBudget)?
    /// Where polls are logged (at debug).
    public var logger: Logger
    /// The time deadlines, delays and the budget run on.
    public var clock: WaitClock
    /// Where the jitter of the delays comes from.
    public var random: RandomSource
    /// Where and how finished tasks' files are downloaded; `nil` for none.
    public var downloads: DownloadSettings?
    /// Told about creates and downloads, so a killed run can resume.
    public var journal: (any RunJournaling)?
    /// Redacts secrets from, and caps, what the server says, before any
    /// record, file name or log line holds it.
    public var sanitizer: ResultSanitizer

    /// Creates a waiter.
    ///
    /// - Parameters:
    ///   - policy: backoff, deadline, concurrency and budget.
    ///   - source: where statuses come from.
    ///   - scope: the fields every record carries.
    ///   - logger: where polls are logged; default a logger labelled `hss-export.wait`.
    ///   - clock: the time to wait in; default the real, monotonic clock.
    ///   - random: the jitter's source; default the system's generator.
    ///   - downloads: where finished tasks' files go; default none.
    ///   - journal: told about creates and downloads; default none.
    ///   - sanitizer: what server-supplied values pass through; default one
    ///     that knows no secrets and caps values at the API's lengths.
    public init(
        policy: WaitPolicy,
        source: any TaskStatusSource,
        scope: ResultScope,
        logger: Logger = Logger(label: "hss-export.wait"),
        clock: WaitClock = .continuous,
        random: RandomSource = .system,
        downloads: DownloadSettings? = nil,
        journal: (any RunJournaling)? = nil,
        sanitizer: ResultSanitizer = ResultSanitizer(secrets: [])
    ) {
        self.init(
            policy: policy, sources: [WaitSource(service: source, scope: scope)], logger: logger, clock: clock, random: random,
            downloads: downloads, journal: journal, sanitizer: sanitizer, sharedBudget: nil)
    }

    /// Creates a waiter over several sources.
    ///
    /// - Parameters:
    ///   - policy: backoff, deadline, concurrency and budget (per budget group).
    ///   - sources: the run's sources, at least one; each job names one by index.
    ///   - logger: where polls are logged; default a logger labelled `hss-export.wait`.
    ///   - clock: the time to wait in; default the real, monotonic clock.
    ///   - random: the jitter's source; default the system's generator.
    ///   - downloads: where finished tasks' files go; default none.
    ///   - journal: told about creates and downloads; default none.
    ///   - sanitizer: what server-supplied values pass through; default one
    ///     that knows no secrets and caps values at the API's lengths.
    ///   - sharedBudget: the budget shared with other processes on the host
    ///     (``HostBudgetLedger``); default none.
    public init(
        policy: WaitPolicy,
        sources: [WaitSource],
        logger: Logger = Logger(label: "hss-export.wait"),
        clock: WaitClock = .continuous,
        random: RandomSource = .system,
        downloads: DownloadSettings? = nil,
        journal: (any RunJournaling)? = nil,
        sanitizer: ResultSanitizer = ResultSanitizer(secrets: []),
        sharedBudget: (any SharedRequestBudget)? = nil
    ) {
        precondition(!sources.isEmpty, "a waiter needs at least one source")
        self.sanitizer = sanitizer
        self.policy = policy
        self.sources = sources
        self.sharedBudget = sharedBudget
        self.logger = logger
        self.clock = clock
        self.random = random
        self.downloads = downloads
        self.journal = journal
    }

    /// Waits for every task, reporting each result (with its index in `tasks`)
    /// as soon as it is known, in the order they finish.
    public func wait(for tasks: [TaskSpec], onEvent: @escaping @Sendable (Event) async -> Void) async {
        await run(tasks.map { WaitJob($0) }, onEvent: onEvent)
    }

    /// Creates, waits for and downloads every job, reporting each result
    /// (with its index in `jobs`) as soon as it is known, in the order they
    /// finish.
    ///
    /// Creates and downloads need the job's source to be an ``ExportTaskService``;
    /// ``journal`` hears of every create before it is sent and after it is
    /// answered, and of every download.
    public func run(_ jobs: [WaitJob], onEvent: @escaping @Sendable (Event) async -> Void) async {
        let start = clock.now
        let sources = self.sources
        precondition(jobs.allSatisfy { sources.indices.contains($0.source) }, "a job names a source the waiter does not have")
        let groupKeys = Self.budgetGroups(of: sources)
        let items = jobs.map {
            RequestPlan.Item(
                firstStep: $0.taskID == nil ? .create : .query, downloads: $0.downloads, group: groupKeys.groupOfSource[$0.source])
        }
        var plan = RequestPlan(items: items, policy: policy, start: start, random: random)
        var trackers = jobs.map { TaskTracker(result: sources[$0.source].scope.initialResult(for: $0)) }
        // Per budget group: why its credentials were refused.
        var refusals: [Int: ExportResult.Failure] = [:]
        let (answers, continuation) = AsyncStream.makeStream(of: Completion.self)
        var pending = answers.makeAsyncIterator()
        let clock = self.clock
        let journal = self.journal
        let sharedBudget = self.sharedBudget
        let logger = self.logger
        let downloaders = sources.map { source in
            downloads.flatMap { settings in
                (source.service as? any ExportTaskService).map { ArchiveDownloader(settings: settings, service: $0, names: ArchiveNames()) }
            }
        }

        func report(_ finished: [Int]) async {
            for index in finished {
                if trackers[index].result.error == nil, plan.outcomes[index] == .error, let refusal = refusals[plan.group(of: index)] {
                    trackers[index].result.error = refusal
                }
                let (result, warnings) = sanitizer.sanitize(trackers[index].finish(plan.outcomes[index] ?? .interrupted, clock: clock))
                for warning in warnings { logger.warning("\(warning)") }
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
                        startedAt: clock.date(at: start), taskCount: jobs.count, outcomes: outcomes, requests: plan.requests,
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
                case .send(let index, let kind, let request):
                    let source = sources[jobs[index].source].service
                    let work: @Sendable () async -> Reply
                    switch kind {
                    case .create:
                        guard let export = jobs[index].export, let service = source as? any ExportTaskService else {
                            preconditionFailure("a job without a task id needs an export and an ExportTaskService")
                        }
                        work = { await Self.create(export, service: service, journal: journal) }
                    case .query:
                        trackers[index].markPoll(clock: clock)
                        let taskID = trackers[index].result.taskID
                        work = {
                            do {
                                return .status(try await source.status(of: taskID))
                            } catch {
                                return .failed(error)
                            }
                        }
                    case .download:
                        var result = trackers[index].result
                        guard let downloader = downloaders[jobs[index].source] else {
                            preconditionFailure("a job that downloads needs download settings and an ExportTaskService")
                        }
                        // The file on disk is named after the server's name with secrets redacted (the ids stay as they are).
                        result.fileName = result.fileName.map(sanitizer.redact)
                        let named = result
                        work = { await Self.download(named, with: downloader, journal: journal) }
                    }
                    let budgeted: @Sendable () async -> Reply
                    if let sharedBudget {
                        let key = groupKeys.keys[plan.group(of: index)]
                        let limit = plan.budget(of: index, kind: kind)
                        let deadline = plan.deadline(of: index)
                        budgeted = {
                            await Self.spending(
                                sharedBudget, key: key, api: kind.description, limit: limit, deadline: deadline, clock: clock, logger: logger,
                                work: work)
                        }
                    } else {
                        budgeted = work
                    }
                    group.addTask {
                        let reply = await budgeted()
                        continuation.yield(.answer(task: index, kind: kind, request: request, reply))
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
                    guard case .answer(let index, let kind, let request, let reply) = next else { continue loop }
                    if Task.isCancelled { break loop }
                    let outcome = apply(reply, to: &trackers[index], index: index)
                    let budgetGroup = plan.group(of: index)
                    if case .failure(.credentialsRejected) = outcome, refusals[budgetGroup] == nil {
                        let refusal = trackers[index].result.error
                        refusals[budgetGroup] = refusal
                        if groupKeys.keys.count == 1 {
                            logger.error("HSS refused the credentials; ending every task", metadata: ["error": "\(refusal?.message ?? "")"])
                        } else {
                            logger.error(
                                "HSS refused the credentials; ending every task that uses them",
                                metadata: ["error": "\(refusal?.message ?? "")", "budget_key": "\(groupKeys.keys[budgetGroup])"])
                        }
                    }
                    plan.answered(task: index, kind: kind, request: request, answer: outcome, at: clock.now)
                    switch reply {
                    case .created(let created): await onEvent(.created(index: index, taskID: created.taskID))
                    case .downloaded(let archive): await onEvent(.downloaded(index: index, archive: archive))
                    case .notSent:
                        break
                    case .status, .failed:
                        await onEvent(.polled(index: index, taskID: trackers[index].result.taskID, status: trackers[index].lastStatus))
                    }
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

    /// The budget groups of `sources`: one per distinct budget key, in order of first appearance.
    static func budgetGroups(of sources: [WaitSource]) -> (keys: [String], groupOfSource: [Int]) {
        var keys: [String] = []
        var groupOfKey: [String: Int] = [:]
        let groupOfSource = sources.map { source in
            if let group = groupOfKey[source.budgetKey] { return group }
            keys.append(source.budgetKey)
            groupOfKey[source.budgetKey] = keys.count - 1
            return keys.count - 1
        }
        return (keys, groupOfSource)
    }

    /// Runs `work` within the host-wide budget: a slot before it, the answer
    /// recorded after it (even when cancelled, so nothing stays counted as in
    /// flight). A budget that cannot be used is logged and skipped: the run's
    /// own budget still holds.
    private static func spending(
        _ budget: any SharedRequestBudget, key: String, api: String, limit: WaitPolicy.RateLimit, deadline: WaitClock.Instant,
        clock: WaitClock, logger: Logger, work: @Sendable () async -> Reply
    ) async -> Reply {
        var ticket: SharedBudgetTicket?
        do {
            guard let acquired = try await budget.acquire(key: key, api: api, limit: limit, clock: clock, notAfter: deadline) else {
                return .notSent
            }
            ticket = acquired
        } catch is CancellationError {
            return .failed(CancellationError())
        } catch {
            logger.warning("host-wide budget unavailable; this request counts in this run's budget only", metadata: ["error": "\(error)"])
        }
        let reply = await work()
        if let ticket { await budget.release(ticket, at: clock.now, clock: clock) }
        return reply
    }

    /// Sends one create, with the journal written before and after.
    private static func create(_ export: ExportSpec, service: any ExportTaskService, journal: (any RunJournaling)?) async -> Reply {
        do {
            try await journal?.willCreate(export)
        } catch {
            return .failed(JournalError(export: export.name, detail: "\(error)"))
        }
        let created: CreatedExport
        do {
            created = try await service.createExport(export.creation)
        } catch {
            let disposition = (error as? any TaskStatusFailure)?.disposition ?? .outcomeUnknown
            switch disposition {
            case .outcomeUnknown: await journal?.createOutcomeUnknown(export, reason: "\(error)")
            default: await journal?.createRefused(export)
            }
            return .failed(error)
        }
        // HSS created the task: losing that now would lose it for good, so a
        // journal that cannot be written is logged, not fatal.
        try? await journal?.created(export, taskID: created.taskID)
        return .created(created)
    }

    /// Downloads a succeeded task's file, and journals it.
    private static func download(_ result: ExportResult, with downloader: ArchiveDownloader, journal: (any RunJournaling)?) async -> Reply {
        guard let fileID = result.fileID, !fileID.isEmpty else {
            return .failed(DownloadError(kind: .noFile, taskID: result.taskID, file: result.fileName ?? "", detail: ""))
        }
        do {
            let archive = try await downloader.download(taskID: result.taskID, fileID: fileID, fileName: result.fileName)
            try? await journal?.downloaded(taskID: result.taskID, archive: archive)
            return .downloaded(archive)
        } catch {
            return .failed(error)
        }
    }

    /// Waits for one task and returns its record.
    public func waitForTask(_ task: TaskSpec) async -> ExportResult {
        let collected = CollectedResults()
        await run([WaitJob(task)]) { event in
            if case .finished(_, let result) = event { await collected.set(result) }
        }
        return await collected.result ?? scope.initialResult(for: task)
    }

    /// Folds one answer into the task's record and says what it means for the plan.
    private func apply(_ reply: Reply, to tracker: inout TaskTracker, index: Int) -> RequestPlan.Answer {
        let taskID = tracker.result.taskID
        switch reply {
        case .created(let created):
            tracker.result.taskID = created.taskID
            tracker.result.error = nil
            logger.info("created export task", metadata: ["export": "\(tracker.result.exportName ?? "")", "task_id": "\(created.taskID)"])
            return .created
        case .status(let status):
            tracker.apply(status)
            logger.debug(
                "polled", metadata: ["task_id": "\(taskID)", "task_status": "\(status.taskStatus ?? "-")", "poll": "\(tracker.result.polls)"])
            return .status(status.taskStatus)
        case .downloaded(let archive):
            tracker.result.download = archive
            tracker.result.error = nil
            logger.info("downloaded", metadata: ["task_id": "\(taskID)", "path": "\(archive.path)", "bytes": "\(archive.bytes)"])
            return .downloaded
        case .notSent:
            logger.notice(
                "no slot in the host-wide budget before the task's deadline; other hss-export processes on this host spend it",
                metadata: taskID.isEmpty ? ["export": "\(tracker.result.exportName ?? "")"] : ["task_id": "\(taskID)"])
            return .notSent
        case .failed(let error):
            tracker.lastStatus = nil
            if error is CancellationError { return .failure(.transient) }
            let failure = error as? any TaskStatusFailure
            tracker.result.error = failure?.recordFailure ?? ExportResult.Failure(code: "transport", message: "\(error)")
            let disposition = failure?.disposition ?? .transient
            let subject: Logger.Metadata = taskID.isEmpty ? ["export": "\(tracker.result.exportName ?? "")"] : ["task_id": "\(taskID)"]
            switch disposition {
            case .permanent:
                logger.warning("request refused", metadata: subject.merging(["error": "\(error)"]) { $1 })
            case .outcomeUnknown:
                tracker.result.error?.code = "create_unknown"
                logger.error("create outcome unknown; not retried", metadata: subject.merging(["error": "\(error)"]) { $1 })
            case .credentialsRejected:
                break
            case .throttled(let retryAfter):
                logger.notice(
                    "throttled by HSS; pausing requests of this kind",
                    metadata: subject.merging(["retry_after_s": "\(retryAfter.map { DurationText.seconds(in: $0) } ?? 0)"]) { $1 }
                )
            case .transient, .transientAtMost:
                logger.notice("request failed; will retry", metadata: subject.merging(["error": "\(error)"]) { $1 })
            }
            return .failure(disposition)
        }
    }
}

/// What one request came back with.
private enum Reply: Sendable {
    case created(CreatedExport)
    case status(TaskStatus)
    case downloaded(DownloadedArchive)
    case failed(any Error)
    /// The host-wide budget had no slot before the deadline: nothing was sent.
    case notSent
}

/// What the request tasks and timers tell the scheduler loop.
private enum Completion: Sendable {
    case answer(task: Int, kind: RequestPlan.Kind, request: Int, Reply)
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
