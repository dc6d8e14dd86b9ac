public import ExportStageKit
import Foundation
public import Logging

/// Runs a loaded pipeline: waits for every task and feeds the stages.
///
/// Results reach the stages in pipeline-file order, each as soon as it and
/// all tasks before it are done; then every stage commits in file order, so
/// a stage sees the artifacts of the stages before it. A failing stage is
/// dropped from the rest of the run and reported; the others carry on.
public struct PipelineRunner: Sendable {
    /// The validated pipeline.
    public var pipeline: Pipeline
    /// Where task statuses come from.
    public var source: any TaskStatusSource
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

    /// Creates a runner.
    public init(
        pipeline: Pipeline,
        source: any TaskStatusSource,
        logger: Logger = Logger(label: "hss-export"),
        toolVersion: String,
        interruption: RunInterruption = RunInterruption(),
        runID: String = RunContext.makeRunID(),
        onEvent: @escaping @Sendable (TaskWaiter.Event) -> Void = { _ in },
        clock: WaitClock = .continuous,
        journal: RunJournal? = nil
    ) {
        self.clock = clock
        self.journal = journal
        self.pipeline = pipeline
        self.source = source
        self.logger = logger
        self.toolVersion = toolVersion
        self.interruption = interruption
        self.runID = runID
        self.onEvent = onEvent
    }

    /// Runs to the end (or to an interruption) and commits the stages.
    public func run() async -> RunReport {
        let startedAt = clock.date(at: clock.now)
        let context = RunContext(
            runID: runID, startedAt: startedAt, pipelineFile: pipeline.file,
            pipelineSHA256: pipeline.sha256, toolVersion: toolVersion, logger: logger
        )
        let scope = ResultScope(
            projectID: pipeline.source.projectID, region: pipeline.source.region,
            enterpriseProjectID: pipeline.source.enterpriseProjectID, runID: runID
        )
        let waiter = TaskWaiter(
            policy: pipeline.wait, source: source, scope: scope, logger: logger, clock: clock, downloads: pipeline.download, journal: journal)
        let work = await plannedWork(scope: scope)
        let (stream, continuation) = AsyncStream.makeStream(of: (Int, ExportResult).self)
        let onEvent = self.onEvent
        let file = pipeline.file
        for (index, result) in work.settled { continuation.yield((index, result)) }
        let jobs = work.jobs.map(\.job)
        let jobSlots = work.jobs.map(\.slot)
        let previousDownloads = work.jobs.map(\.previousDownload)
        // Waiting runs in its own task so an interruption can cancel it while
        // this task stays uncancelled to deliver and commit.
        let waiting = Task {
            await waiter.run(jobs) { event in
                onEvent(event)
                if case .finished(let index, var result) = event {
                    if result.download == nil, let previous = previousDownloads[index] { result.download = previous }
                    if let failure = result.error, failure.code == "create_unknown", let name = result.exportName {
                        result.error?.message = failure.message + ". " + Self.unknownCreateMessage(name, sentAt: nil, reason: nil, file: file)
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
        await delivery.finish(summary: summary, context: context)
        await journal?.close(jobFinished: !interruption.isTriggered && results.allSatisfy { $0.outcome == .succeeded || $0.outcome == .failed })
        return RunReport(results: results, summary: summary, stageFailures: delivery.failures, artifacts: context.artifacts)
    }
}

extension PipelineRunner {
    /// The run's work in file order (listed tasks, then exports): jobs for
    /// the waiter, and records already settled by the journal.
    struct PlannedWork {
        var jobs: [(job: WaitJob, slot: Int, previousDownload: DownloadedArchive?)] = []
        var settled: [(Int, ExportResult)] = []
        var count = 0
    }

    func plannedWork(scope: ResultScope) async -> PlannedWork {
        var work = PlannedWork()
        let downloads = pipeline.download != nil
        func addJob(_ job: WaitJob) async {
            var job = job
            let previous = await job.taskID.asyncMap { await journal?.previousDownload(of: $0) } ?? nil
            if previous != nil { job.downloads = false }
            work.jobs.append((job, work.count, previous))
            work.count += 1
        }
        for task in pipeline.tasks { await addJob(WaitJob(task, downloads: downloads)) }
        let exports = pipeline.exports
        guard !exports.isEmpty else { return work }
        let (plan, abandoned) = await journal?.resumptions(for: exports) ?? (Array(repeating: .create, count: exports.count), [])
        for (name, taskID) in abandoned {
            logger.warning(
                "an interrupted run's export changed or left the pipeline file; its task is no longer waited for",
                metadata: ["export": "\(name)", "task_id": "\(taskID ?? "-")"])
        }
        for (export, resumption) in zip(exports, plan) {
            switch resumption {
            case .create:
                await addJob(WaitJob(taskID: nil, export: export, downloads: downloads))
            case .resume(let taskID):
                logger.info("resuming an export an interrupted run created", metadata: ["export": "\(export.name)", "task_id": "\(taskID)"])
                await addJob(WaitJob(taskID: taskID, export: export, downloads: downloads))
            case .unknown(let sentAt, let reason):
                var result = scope.initialResult(for: WaitJob(taskID: nil, export: export))
                result.outcome = .error
                result.error = ExportResult.Failure(
                    code: "create_unknown", message: Self.unknownCreateMessage(export.name, sentAt: sentAt, reason: reason, file: pipeline.file))
                logger.error("\(result.error?.message ?? "")")
                work.settled.append((work.count, result))
                work.count += 1
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

    mutating func finish(summary: RunSummary, context: RunContext) async {
        for configured in stages where !failed.contains(configured.index) {
            do {
                try await configured.stage.finish(summary: summary, context: context)
            } catch {
                fail(configured, error)
            }
        }
    }

    private mutating func fail(_ configured: ConfiguredStage, _ error: any Error) {
        failed.insert(configured.index)
        let failure = RunReport.StageFailure(typeName: configured.typeName, index: configured.index, message: "\(error)")
        logger.error("\(failure)")
        failures.append(failure)
    }
}
