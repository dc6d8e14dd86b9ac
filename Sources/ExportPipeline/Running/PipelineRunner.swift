public import ExportStageKit
import Foundation
public import Logging

/// Runs a loaded pipeline: waits for every task and feeds the stages.
///
/// Results reach the stages in pipeline-file order, each as soon as it and
/// all tasks before it are done. Then the run commits in two phases: every
/// stage finishes in file order, preparing its output (written and fsynced
/// under a temp name) and seeing the artifacts of the stages before it; then
/// all prepared outputs are renamed together, the manifest last; then the
/// stages that finish after the commit (`exec`) run. A failing stage is
/// dropped from the rest of the run and reported; the others carry on.
///
/// A signal that comes while the stages finish stops a running hook (its
/// finish is cancelled); the prepared outputs are still committed.
public struct PipelineRunner: Sendable {
    /// The validated pipeline.
    public var pipeline: Pipeline
    /// Where task statuses come from, one per ``Pipeline/sources`` entry, in
    /// the same order: each source's service, the fields its records carry
    /// (the runner sets ``ResultScope/source`` and ``ResultScope/runID``) and
    /// its budget key (sources of one credential share one budget per API).
    public var sources: [WaitSource]
    /// The budget shared with other processes on the host; `nil` for this run's own only.
    public var sharedBudget: (any SharedRequestBudget)?
    /// The first source's service: the only one of a `source:` pipeline.
    public var source: any TaskStatusSource { sources[0].service }
    /// The run's logger.
    public var logger: Logger
    /// The version written into manifests.
    public var toolVersion: String
    /// Thrown by signal handlers to stop waiting.
    public var interruption: RunInterruption
    /// The run id (generated unless given).
    public var runID: String
    /// Told about every poll and result, for progress displays.
    public var onEvent: @Sendable (TaskWaiter.Event) -> Void
    /// The time the run waits in.
    public var clock: WaitClock
    /// The journal and lock of a pipeline that creates exports or downloads
    /// (``Pipeline/usesState``); `nil` runs without one.
    public var journal: RunJournal?
    /// What server-supplied values pass through before any stage, file name
    /// or log line sees them: the run's secrets redacted, lengths capped.
    public var sanitizer: ResultSanitizer

    /// Creates a runner of a pipeline's single source (or its first).
    public init(
        pipeline: Pipeline,
        source: any TaskStatusSource,
        logger: Logger = Logger(label: "hss-export"),
        toolVersion: String,
        interruption: RunInterruption = RunInterruption(),
        runID: String = RunContext.makeRunID(),
        onEvent: @escaping @Sendable (TaskWaiter.Event) -> Void = { _ in },
        clock: WaitClock = .continuous,
        journal: RunJournal? = nil,
        sanitizer: ResultSanitizer = ResultSanitizer(secrets: [])
    ) {
        let first = pipeline.source
        let scope = ResultScope(
            projectID: first.projectID ?? "", region: first.region, enterpriseProjectID: first.enterpriseProjectID, runID: runID)
        self.init(
            pipeline: pipeline, sources: [WaitSource(service: source, scope: scope)], logger: logger, toolVersion: toolVersion,
            interruption: interruption, runID: runID, onEvent: onEvent, clock: clock, journal: journal, sanitizer: sanitizer)
    }

    /// Creates a runner of every source of `pipeline`: `sources[i]` serves
    /// ``Pipeline/sources``[i]; `sharedBudget` is the host-wide one, if any.
    public init(
        pipeline: Pipeline,
        sources: [WaitSource],
        logger: Logger = Logger(label: "hss-export"),
        toolVersion: String,
        interruption: RunInterruption = RunInterruption(),
        runID: String = RunContext.makeRunID(),
        onEvent: @escaping @Sendable (TaskWaiter.Event) -> Void = { _ in },
        clock: WaitClock = .continuous,
        journal: RunJournal? = nil,
        sanitizer: ResultSanitizer = ResultSanitizer(secrets: []),
        sharedBudget: (any SharedRequestBudget)? = nil
    ) {
        precondition(sources.count == pipeline.sources.count, "one wait source per pipeline source")
        self.sharedBudget = sharedBudget
        self.sanitizer = sanitizer
        self.clock = clock
        self.journal = journal
        self.pipeline = pipeline
        self.logger = logger
        self.toolVersion = toolVersion
        self.interruption = interruption
        self.runID = runID
        self.onEvent = onEvent
        self.sources = sources.enumerated().map { index, source in
            var source = source
            source.scope.source = pipeline.sourceName(at: index)
            source.scope.runID = runID
            return source
        }
    }

    /// Runs to the end (or to an interruption) and commits the stages.
    public func run() async -> RunReport {
        sweepStaleTemporaryFiles()
        let startedAt = clock.date(at: clock.now)
        let context = RunContext(
            runID: runID, startedAt: startedAt, pipelineFile: pipeline.file,
            pipelineSHA256: pipeline.sha256, toolVersion: toolVersion, logger: logger, defersCommits: true
        )
        let work = await plannedWork()
        let (stream, continuation) = AsyncStream.makeStream(of: (Int, ExportResult).self)
        let onEvent = self.onEvent
        let file = pipeline.file
        for (index, result) in work.settled { continuation.yield((index, sanitizer.sanitize(result).result)) }
        let jobs = work.jobs.map(\.job)
        let jobSlots = work.jobs.map(\.slot)
        let previousDownloads = work.jobs.map(\.previousDownload)
        let exportKeys = work.jobs.map { $0.job.export?.key }
        // One waiter for every source: one scheduler spends each budget
        // group's windows, whatever source its tasks belong to.
        let waiter = TaskWaiter(
            policy: pipeline.wait, sources: sources, logger: logger, clock: clock, downloads: pipeline.download, journal: journal,
            sanitizer: sanitizer, sharedBudget: sharedBudget)
        // Waiting runs in its own task so an interruption can cancel it while
        // this task stays uncancelled to deliver and commit.
        let waiting = Task {
            await waiter.run(jobs) { event in
                onEvent(event)
                if case .finished(let index, var result) = event {
                    if result.download == nil, let previous = previousDownloads[index] { result.download = previous }
                    if let failure = result.error, failure.code == "create_unknown", let key = exportKeys[index] {
                        result.error?.message = failure.message + ". " + Self.unknownCreateMessage(key, sentAt: nil, reason: nil, file: file)
                    }
                    continuation.yield((jobSlots[index], result))
                }
            }
            continuation.finish()
        }
        interruption.onTrigger { waiting.cancel() }

        var delivery = OrderedDelivery(stages: pipeline.stages, count: work.count, logger: logger)
        for await (index, result) in stream {
            await delivery.accept(result, at: index, context: context)
        }
        await waiting.value
        let results = delivery.results
        let summary = RunSummary(
            runID: runID, startedAt: startedAt, finishedAt: clock.date(at: clock.now), results: results, interrupted: interruption.isTriggered)
        await delivery.finish(summary: summary, context: context, interruption: interruption)
        await journal?.close(jobFinished: !interruption.isTriggered && results.allSatisfy { $0.outcome == .succeeded || $0.outcome == .failed })
        var report = RunReport(results: results, summary: summary, stageFailures: delivery.failures, artifacts: context.artifacts)
        report.interrupted = interruption.isTriggered
        return report
    }
}

extension PipelineRunner {
    /// Removes what killed runs left beside this run's outputs and in its
    /// download directory (temp files of dead writers only).
    func sweepStaleTemporaryFiles() {
        var removed = StaleTemporaryFiles.sweep(besides: pipeline.stages.flatMap(\.outputPaths))
        if let downloads = pipeline.download?.directory {
            removed += StaleTemporaryFiles.sweepDownloads(in: downloads)
        }
        guard !removed.isEmpty else { return }
        logger.info(
            "removed \(removed.count) temporary file(s) left by a killed run",
            metadata: ["files": "\(removed.prefix(5).joined(separator: ", "))\(removed.count > 5 ? ", …" : "")"])
    }

    /// The run's work in file order, source by source (each source's listed
    /// tasks, then its exports): jobs for the waiter, each with the index of
    /// its source, and records already settled by the journal.
    struct PlannedWork {
        var jobs: [(job: WaitJob, slot: Int, previousDownload: DownloadedArchive?)] = []
        var settled: [(Int, ExportResult)] = []
        var count = 0
    }

    func plannedWork() async -> PlannedWork {
        var work = PlannedWork()
        let downloads = pipeline.download != nil
        func addJob(_ job: WaitJob, source: Int) async {
            var job = job
            job.source = source
            let previous = await job.taskID.asyncMap { await journal?.previousDownload(of: $0) } ?? nil
            if previous != nil { job.downloads = false }
            work.jobs.append((job, work.count, previous))
            work.count += 1
        }
        let exports = pipeline.exports
        let (plan, abandoned) = await journal?.resumptions(for: exports) ?? (Array(repeating: .create, count: exports.count), [])
        for (key, taskID) in abandoned {
            logger.warning(
                "an interrupted run's export changed or left the pipeline file; its task is no longer waited for",
                metadata: ["export": "\(key)", "task_id": "\(taskID ?? "-")"])
        }
        let resumptions = Array(zip(exports, plan))
        for source in pipeline.sources.indices {
            for task in pipeline.tasks where task.source == source { await addJob(WaitJob(task, downloads: downloads), source: source) }
            for (export, resumption) in resumptions where export.source == source {
                switch resumption {
                case .create:
                    await addJob(WaitJob(taskID: nil, export: export, downloads: downloads), source: source)
                case .resume(let taskID):
                    logger.info("resuming an export an interrupted run created", metadata: ["export": "\(export.key)", "task_id": "\(taskID)"])
                    await addJob(WaitJob(taskID: taskID, export: export, downloads: downloads), source: source)
                case .unknown(let sentAt, let reason):
                    var result = sources[source].scope.initialResult(for: WaitJob(taskID: nil, export: export))
                    result.outcome = .error
                    result.error = ExportResult.Failure(
                        code: "create_unknown",
                        message: Self.unknownCreateMessage(export.key, sentAt: sentAt, reason: reason, file: pipeline.file))
                    logger.error("\(result.error?.message ?? "")")
                    work.settled.append((work.count, result))
                    work.count += 1
                }
            }
        }
        return work
    }

    static func unknownCreateMessage(_ name: String, sentAt: String?, reason: String?, file: String) -> String {
        let when = sentAt.map { " at \($0)" } ?? ""
        let why = reason.map { " (\($0))" } ?? ""
        return "the create request of export '\(name)' was sent\(when) but its answer was lost\(why); HSS may have created a task, "
            + "and nothing in the API deduplicates creations, so it is not sent again. Check the HSS console's export tasks for one created then, "
            + "and run 'hss-export state \(file) --adopt \(name)=TASK_ID' to wait for it, or 'hss-export state \(file) --recreate \(name)' to create it anew"
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}

/// A stage whose finish a signal cancelled.
private struct StoppedBySignal: Error, CustomStringConvertible {
    var description: String { "stopped by a signal while it finished; the outputs prepared before it were committed" }
}

/// Hands results to the stages in file order and tracks failed stages.
private struct OrderedDelivery {
    let stages: [ConfiguredStage]
    let logger: Logger
    private var pending: [ExportResult?]
    private var nextToDeliver = 0
    private(set) var failures: [RunReport.StageFailure] = []
    private var failed: Set<Int> = []

    init(stages: [ConfiguredStage], count: Int, logger: Logger) {
        self.stages = stages
        self.logger = logger
        pending = Array(repeating: nil, count: count)
    }

    var results: [ExportResult] { pending.compactMap { $0 } }

    mutating func accept(_ result: ExportResult, at index: Int, context: RunContext) async {
        pending[index] = result
        while nextToDeliver < pending.count, let ready = pending[nextToDeliver] {
            for configured in stages where !failed.contains(configured.index) {
                do {
                    try await configured.stage.receive(ready, context: context)
                } catch {
                    fail(configured, error)
                }
            }
            nextToDeliver += 1
        }
    }

    /// The two-phase commit: the stages that prepare outputs finish in file
    /// order, the transaction renames what they prepared, then the stages
    /// that finish after the commit run.
    mutating func finish(summary: RunSummary, context: RunContext, interruption: RunInterruption) async {
        let phases: [StageFinishPhase] = [.beforeCommit, .afterCommit]
        for phase in phases {
            for configured in stages where !failed.contains(configured.index) && type(of: configured.stage).finishPhase == phase {
                let published = context.artifacts.count
                do {
                    try await Self.finish(configured.stage, summary: summary, context: context, interruption: interruption)
                    context.outputs.claim(for: configured.index)
                } catch {
                    context.outputs.claim(for: configured.index)
                    context.outputs.discard(owner: configured.index)
                    context.withdrawArtifacts(publishedAfter: published)
                    if error is CancellationError, interruption.isTriggered {
                        fail(configured, StoppedBySignal())
                    } else {
                        fail(configured, error)
                    }
                }
            }
            guard phase == .beforeCommit else { continue }
            let failures = context.outputs.commit()
            context.withdrawArtifacts(at: Set(failures.map(\.path)))
            for failure in failures {
                if let owner = failure.owner, let configured = stages.first(where: { $0.index == owner }) {
                    fail(configured, failure)
                } else {
                    logger.error("\(failure)")
                }
            }
        }
    }

    /// Runs one stage's `finish` in a task of its own, cancelled by a signal
    /// that comes meanwhile, so a hook that runs long (an `exec` command)
    /// stops with the run. A signal that came before the stages began is not
    /// held against them: they then commit what the interrupted wait knew.
    private static func finish(
        _ stage: any ExportStage, summary: RunSummary, context: RunContext, interruption: RunInterruption
    ) async throws {
        let task = Task { try await stage.finish(summary: summary, context: context) }
        if !interruption.isTriggered {
            interruption.onTrigger { task.cancel() }
        }
        try await task.value
    }

    private mutating func fail(_ configured: ConfiguredStage, _ error: any Error) {
        failed.insert(configured.index)
        let failure = RunReport.StageFailure(typeName: configured.typeName, index: configured.index, message: "\(error)")
        logger.error("\(failure)")
        failures.append(failure)
    }
}
