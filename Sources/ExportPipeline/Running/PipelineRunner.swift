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

    /// Creates a runner.
    public init(
        pipeline: Pipeline,
        source: any TaskStatusSource,
        logger: Logger = Logger(label: "hss-export"),
        toolVersion: String,
        interruption: RunInterruption = RunInterruption(),
        runID: String = RunContext.makeRunID(),
        onEvent: @escaping @Sendable (TaskWaiter.Event) -> Void = { _ in },
        clock: WaitClock = .continuous
    ) {
        self.clock = clock
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
        let waiter = TaskWaiter(policy: pipeline.wait, source: source, scope: scope, logger: logger, clock: clock)
        let (stream, continuation) = AsyncStream.makeStream(of: (Int, ExportResult).self)
        let tasks = pipeline.tasks
        let onEvent = self.onEvent
        // Waiting runs in its own task so an interruption can cancel it while
        // this task stays uncancelled to deliver and commit.
        let waiting = Task {
            await waiter.wait(for: tasks) { event in
                onEvent(event)
                if case .finished(let index, let result) = event { continuation.yield((index, result)) }
            }
            continuation.finish()
        }
        interruption.onTrigger { waiting.cancel() }

        var delivery = OrderedDelivery(stages: pipeline.stages, count: tasks.count, logger: logger)
        for await (index, result) in stream {
            await delivery.accept(result, at: index, context: context)
        }
        await waiting.value
        let results = delivery.results
        let summary = RunSummary(
            runID: runID, startedAt: startedAt, finishedAt: clock.date(at: clock.now), results: results, interrupted: interruption.isTriggered)
        await delivery.finish(summary: summary, context: context)
        return RunReport(results: results, summary: summary, stageFailures: delivery.failures, artifacts: context.artifacts)
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
