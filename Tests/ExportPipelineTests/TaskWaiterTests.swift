import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// The waiter in virtual time: every delay, deadline and budget window is
/// exact, and the suite takes milliseconds of real time.
@Suite struct TaskWaiterTests {
    /// Short delays and a far deadline (virtual time, so only the ratios matter).
    static let fast = WaitPolicy(
        initialInterval: .milliseconds(10), maxInterval: .milliseconds(40), multiplier: 2, jitter: 0,
        timeout: .seconds(120), concurrency: 4, rateLimit: .init(requests: 1000, per: .seconds(1))
    )
    static let scope = ResultScope(projectID: "p", region: "r", enterpriseProjectID: "0", runID: "run-1")

    func waitForOne(_ answers: [ScriptedStatusSource.Answer], policy: WaitPolicy = fast) async throws -> (ExportResult, ScriptedStatusSource) {
        let clock = VirtualClock()
        let source = ScriptedStatusSource(["t": answers], clock: clock.waitClock)
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope, clock: clock.waitClock, random: .seeded(7))
        let result = try await clock.run {
            await waiter.waitForTask(TaskSpec(id: "t"))
        }
        return (result, source)
    }

    @Test func successAfterRunningPollsCostsOneRequestPerPoll() async throws {
        let (result, source) = try await waitForOne([.status("running"), .status("running"), .status("running"), .status("success")])
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

    @Test func failureEndsPollingAtOnce() async throws {
        let (result, source) = try await waitForOne([.status("failure"), .status("success")])
        #expect(result.outcome == .failed)
        #expect(source.calls["t"] == 1)
    }

    @Test func permanentErrorsEndTheTaskWithOutcomeError() async throws {
        let (result, source) = try await waitForOne([.failure(.permanent, code: "APIG.0301")])
        #expect(result.outcome == .error)
        #expect(result.error == .init(code: "APIG.0301", message: "scripted APIG.0301", requestID: "req-APIG.0301"))
        #expect(source.calls["t"] == 1)
    }

    @Test func transientErrorsAreRetriedAndClearedBySuccess() async throws {
        let (result, _) = try await waitForOne([
            .failure(.transient, code: "HSS.1000"), .failure(.throttled(retryAfter: .milliseconds(20)), code: "APIG.0308"), .status("success"),
        ])
        #expect(result.outcome == .succeeded)
        #expect(result.polls == 3)
        #expect(result.error == nil)
    }

    @Test func unknownStatusesAreKeptAndPolledLikeRunning() async throws {
        let (result, _) = try await waitForOne([.status("queued"), .status("success")])
        #expect(result.outcome == .succeeded)
        #expect(result.polls == 2)
    }

    @Test func aTaskStillRunningAtItsDeadlineTimesOutThen() async throws {
        var policy = Self.fast
        policy.timeout = .milliseconds(100)
        let (result, _) = try await waitForOne([.status("running")], policy: policy)
        #expect(result.outcome == .timedOut)
        #expect(result.taskStatus == "running")
        #expect(result.waitSeconds >= 0.1)
        // Polls at 0, 10, 30 and 70 ms (intervals 10, 20, 40); the next would be
        // at 110 ms, past the deadline 100 ms after the wait began: exact in
        // virtual time.
        #expect(result.polls == 4)
        #expect(result.waitSeconds == 0.1)
    }

    @Test func aTaskUnreachableUntilItsDeadlineEndsAsError() async throws {
        var policy = Self.fast
        policy.timeout = .milliseconds(80)
        let (result, _) = try await waitForOne([.failure(.transient, code: "transport")], policy: policy)
        #expect(result.outcome == .error)
        #expect(result.error?.code == "transport")
    }

    @Test func cancellationRecordsEveryUnfinishedTaskAsInterrupted() async throws {
        // One request a minute: only the first task is polled before the cancel.
        var policy = Self.fast
        policy.rateLimit = .init(requests: 1, per: .seconds(60))
        let clock = VirtualClock()
        let source = ScriptedStatusSource(["a": [.status("running")], "b": [.status("success")]], clock: clock.waitClock)
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope, clock: clock.waitClock)
        let collected = Collected()
        try await clock.run {
            let waiting = Task {
                await waiter.wait(for: [TaskSpec(id: "a"), TaskSpec(id: "b", name: "bee")]) { event in
                    if case .finished(let index, let result) = event { await collected.add(index, result) }
                }
            }
            try await clock.sleep(for: .milliseconds(100))
            waiting.cancel()
            await waiting.value
        }
        let results = await collected.sorted
        #expect(results.map(\.outcome) == [.interrupted, .interrupted])
        #expect(results[0].polls > 0)
        #expect(results[1].polls == 0)
        #expect(results[1].taskName == "bee")
        #expect(source.calls["b"] == nil)
    }

    @Test func theSharedBudgetIsNeverExceededInAnyWindow() async throws {
        let policy = WaitPolicy(
            initialInterval: .milliseconds(1), maxInterval: .milliseconds(1), multiplier: 1, jitter: 0,
            timeout: .seconds(10), concurrency: 4, rateLimit: .init(requests: 4, per: .milliseconds(400))
        )
        let running: [ScriptedStatusSource.Answer] = [.status("running"), .status("running"), .status("success")]
        let clock = VirtualClock()
        let source = ScriptedStatusSource(["a": running, "b": running, "c": running, "d": running], clock: clock.waitClock)
        let waiter = TaskWaiter(policy: policy, source: source, scope: Self.scope, clock: clock.waitClock)
        try await clock.run {
            await waiter.wait(for: ["a", "b", "c", "d"].map { TaskSpec(id: $0) }) { _ in }
        }
        let times = source.requestTimes
        #expect(times.count == 12)
        // At most 4 requests in any 400 ms window as the source sees them: request k+4
        // arrives at least 400 ms after request k (the budget anchors each window on
        // the answer to the earlier request), and, the budget being the bottleneck,
        // paced evenly: 12 requests 100 ms apart.
        for index in 0..<(times.count - 4) {
            let gap = times[index + 4] - times[index]
            #expect(gap >= .milliseconds(400), "requests \(index) and \(index + 4) only \(gap) apart")
        }
        #expect(times.last.map { $0.offset } == .milliseconds(1100))
    }

    @Test func aThrottledResponsePausesEveryTask() {
        var window = RequestWindow(.init(requests: 100, per: .seconds(1)))
        let start = WaitClock.Instant(offset: .zero)
        let first = window.recordSent(at: start)
        window.recordAnswer(first, at: start)
        window.recordThrottle(first, retryAfter: .milliseconds(150), at: start)
        let allowed = window.earliestNextRequest(notBefore: start)
        #expect(allowed != nil)
        #expect(allowed.map { $0 - start } == .milliseconds(150))
    }

    @Test func theBudgetHoldsTheNextRequestUntilAPeriodAfterTheAnswer() {
        var window = RequestWindow(.init(requests: 1, per: .seconds(60)))
        let start = WaitClock.Instant(offset: .zero)
        let first = window.recordSent(at: start)
        #expect(window.earliestNextRequest(notBefore: start) == nil)  // its anchor is still in flight
        window.recordAnswer(first, at: start + .milliseconds(200))
        #expect(window.earliestNextRequest(notBefore: start + .seconds(1)) == start + .milliseconds(60_200))
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
