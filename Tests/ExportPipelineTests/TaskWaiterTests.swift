import ExportPipeline
import Foundation
import Testing
import TestSupport

@Suite struct TaskWaiterTests {
    /// Short delays, and a deadline far enough away that a machine busy with
    /// other tests (seconds without a free thread) cannot time a task out.
    static let fast = WaitPolicy(
        initialInterval: .milliseconds(10), maxInterval: .milliseconds(40), multiplier: 2, jitter: 0,
        timeout: .seconds(120), concurrency: 4, rateLimit: .init(requests: 1000, per: .seconds(1))
    )
    static let scope = ResultScope(projectID: "p", region: "r", enterpriseProjectID: "0", runID: "run-1")

    func waitForOne(_ answers: [ScriptedStatusSource.Answer], policy: WaitPolicy = fast) async -> (ExportResult, ScriptedStatusSource) {
        let source = ScriptedStatusSource(["t": answers])
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope)
        let result = await waiter.waitForTask(TaskSpec(id: "t"), budget: RequestBudget(policy.rateLimit))
        return (result, source)
    }

    @Test func successAfterRunningPollsCostsOneRequestPerPoll() async {
        let (result, source) = await waitForOne([.status("running"), .status("running"), .status("running"), .status("success")])
        #expect(result.outcome == .succeeded)
        #expect(result.polls == 4)
        #expect(source.calls["t"] == 4)
        #expect(result.taskName == "name of t")
        #expect(result.fileID == "file-t")
        #expect(result.taskStatus == "success")
        #expect(result.firstPolledAt != nil && result.finishedAt != nil)
        #expect(result.waitSeconds > 0)
        #expect(result.projectID == "p" && result.runID == "run-1")
    }

    @Test func failureEndsPollingAtOnce() async {
        let (result, source) = await waitForOne([.status("failure"), .status("success")])
        #expect(result.outcome == .failed)
        #expect(source.calls["t"] == 1)
    }

    @Test func permanentErrorsEndTheTaskWithOutcomeError() async {
        let (result, source) = await waitForOne([.failure(.permanent, code: "APIG.0301")])
        #expect(result.outcome == .error)
        #expect(result.error == .init(code: "APIG.0301", message: "scripted APIG.0301", requestID: "req-APIG.0301"))
        #expect(source.calls["t"] == 1)
    }

    @Test func transientErrorsAreRetriedAndClearedBySuccess() async {
        let (result, _) = await waitForOne([.failure(.transient, code: "HSS.1000"), .failure(.throttled(retryAfter: .milliseconds(20)), code: "APIG.0308"), .status("success")])
        #expect(result.outcome == .succeeded)
        #expect(result.polls == 3)
        #expect(result.error == nil)
    }

    @Test func unknownStatusesAreKeptAndPolledLikeRunning() async {
        let (result, _) = await waitForOne([.status("queued"), .status("success")])
        #expect(result.outcome == .succeeded)
        #expect(result.polls == 2)
    }

    @Test func aTaskStillRunningAtItsDeadlineTimesOutAfterAFinalPoll() async {
        var policy = Self.fast
        policy.timeout = .milliseconds(100)
        let (result, _) = await waitForOne([.status("running")], policy: policy)
        #expect(result.outcome == .timedOut)
        #expect(result.taskStatus == "running")
        #expect(result.waitSeconds >= 0.1)
        // At least one regular poll and the final one at the deadline, unless the
        // machine was so busy that the task woke more than the grace after it.
        #expect(result.polls >= 2 || result.waitSeconds > 1.1)
    }

    @Test func aTaskUnreachableUntilItsDeadlineEndsAsError() async {
        var policy = Self.fast
        policy.timeout = .milliseconds(80)
        let (result, _) = await waitForOne([.failure(.transient, code: "transport")], policy: policy)
        #expect(result.outcome == .error)
        #expect(result.error?.code == "transport")
    }

    @Test func cancellationRecordsEveryUnfinishedTaskAsInterrupted() async {
        var policy = Self.fast
        policy.concurrency = 1
        let source = ScriptedStatusSource(["a": [.status("running")], "b": [.status("success")]])
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope)
        let collected = Collected()
        let waiting = Task {
            await waiter.wait(for: [TaskSpec(id: "a"), TaskSpec(id: "b", name: "bee")]) { event in
                if case .finished(let index, let result) = event { await collected.add(index, result) }
            }
        }
        try? await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await waiting.value
        let results = await collected.sorted
        #expect(results.map(\.outcome) == [.interrupted, .interrupted])
        #expect(results[0].polls > 0)
        #expect(results[1].polls == 0)
        #expect(results[1].taskName == "bee")
        #expect(source.calls["b"] == nil)
    }

    @Test func theSharedBudgetIsNeverExceededInAnyWindow() async {
        let policy = WaitPolicy(
            initialInterval: .milliseconds(1), maxInterval: .milliseconds(1), multiplier: 1, jitter: 0,
            timeout: .seconds(10), concurrency: 4, rateLimit: .init(requests: 4, per: .milliseconds(400))
        )
        let running: [ScriptedStatusSource.Answer] = [.status("running"), .status("running"), .status("success")]
        let source = ScriptedStatusSource(["a": running, "b": running, "c": running, "d": running])
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope)
        await waiter.wait(for: ["a", "b", "c", "d"].map { TaskSpec(id: $0) }) { _ in }
        let times = source.requestTimes
        #expect(times.count == 12)
        // At most 4 requests in any 400 ms window as the source sees them: request k+4
        // arrives at least 400 ms after request k. Exact, because the budget anchors
        // each window on the answer to the earlier request, whatever the scheduling.
        for index in 0..<(times.count - 4) {
            let gap = times[index + 4] - times[index]
            #expect(gap >= .milliseconds(400), "requests \(index) and \(index + 4) only \(gap) apart")
        }
    }

    @Test func aThrottledResponsePausesEveryTask() async throws {
        let budget = RequestBudget(.init(requests: 100, per: .seconds(1)))
        await budget.pause(for: .milliseconds(150))
        let start = ContinuousClock.now
        let allowed = try await budget.acquire(before: start + .seconds(5))
        #expect(allowed != nil)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(try await budget.acquire(before: ContinuousClock.now + .milliseconds(1)) != nil)
    }

    @Test func theBudgetRefusesASlotBeyondTheDeadline() async throws {
        let budget = RequestBudget(.init(requests: 1, per: .seconds(60)))
        let first = try #require(try await budget.acquire(before: ContinuousClock.now + .seconds(1)))
        await budget.release(first)
        #expect(try await budget.acquire(before: ContinuousClock.now + .seconds(1)) == nil)
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = WaitPolicy(initialInterval: .seconds(10), maxInterval: .seconds(60), multiplier: 2, jitter: 0)
        #expect((0..<5).map { policy.baseDelay(afterAttempt: $0) } == [.seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
        var generator = SystemRandomNumberGenerator()
        var jittered = policy
        jittered.jitter = 0.5
        for attempt in 0..<20 {
            let delay = jittered.delay(afterAttempt: attempt, using: &generator)
            #expect(delay <= .seconds(60))
            #expect(delay >= .seconds(5))
        }
    }
}

actor Collected {
    var items: [(Int, ExportResult)] = []
    func add(_ index: Int, _ result: ExportResult) { items.append((index, result)) }
    var sorted: [ExportResult] { items.sorted { $0.0 < $1.0 }.map(\.1) }
}
