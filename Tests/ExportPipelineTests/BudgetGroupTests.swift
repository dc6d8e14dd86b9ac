import ExportPipeline
import ExportStageKit
import Foundation
import Synchronization
import TestSupport
import Testing

/// Sources that use different credentials spend different budgets, and a
/// refused credential ends only the tasks that use it.
@Suite struct BudgetGroupTests {
    static let start = WaitClock.Instant(offset: .zero)
    static let fast = WaitPolicy(
        initialInterval: .milliseconds(10), maxInterval: .milliseconds(40), multiplier: 2, jitter: 0,
        timeout: .seconds(120), concurrency: 4, rateLimit: .init(requests: 1000, per: .seconds(1))
    )

    @Test func aRefusalEndsOnlyItsGroupsTasks() {
        let items = [0, 1, 0, 1].map { RequestPlan.Item(group: $0) }
        var plan = RequestPlan(items: items, policy: WaitPolicy(concurrency: 4), start: Self.start)
        #expect(plan.groupCount == 2)
        // One request per group until the group is answered once.
        guard case .send(let first, _, let firstRequest) = plan.next(now: Self.start),
            case .send(let second, _, let secondRequest) = plan.next(now: Self.start)
        else {
            Issue.record("no first requests")
            return
        }
        #expect(Set([plan.group(of: first), plan.group(of: second)]) == [0, 1])
        #expect(plan.next(now: Self.start) == .wait(until: Self.start + .seconds(30 * 60)))
        let (refused, refusedRequest, other, otherRequest) =
            plan.group(of: first) == 1 ? (first, firstRequest, second, secondRequest) : (second, secondRequest, first, firstRequest)
        plan.answered(task: refused, kind: .query, request: refusedRequest, answer: .failure(.credentialsRejected), at: Self.start + .seconds(1))
        #expect(plan.outcomes[1] == .error && plan.outcomes[3] == .error)
        #expect(plan.outcomes[0] == nil && plan.outcomes[2] == nil)
        plan.answered(task: other, kind: .query, request: otherRequest, answer: .status("success"), at: Self.start + .seconds(1))
        #expect(plan.requests(of: .query, group: 1) == 1)
        var now = Self.start + .seconds(1)
        while true {
            switch plan.next(now: now) {
            case .done:
                #expect(plan.outcomes == [.succeeded, .error, .succeeded, .error])
                #expect(plan.requests(of: .query, group: 1) == 1)
                return
            case .send(let task, let kind, let request):
                #expect(plan.group(of: task) == 0)
                plan.answered(task: task, kind: kind, request: request, answer: .status("success"), at: now)
            case .wait(let until):
                guard let until else {
                    Issue.record("waits on nothing")
                    return
                }
                now = until
            }
        }
    }

    /// Two sources with different credentials: records carry each one's
    /// scope, and the one whose credentials are refused costs one request.
    @Test func theWaiterServesEachJobFromItsSource() async throws {
        let clock = VirtualClock()
        let waitClock = clock.waitClock
        let good = ScriptedStatusSource(["a1": [.status("running"), .status("success")], "a2": [.status("success")]], clock: waitClock)
        let refused = ScriptedStatusSource(
            ["b1": [.failure(.credentialsRejected, code: "APIG.0301")], "b2": [.status("success")]], clock: waitClock)
        let sources = [
            WaitSource(service: good, scope: ResultScope(projectID: "pa", region: "ra", runID: "run"), budgetKey: "ak-a"),
            WaitSource(service: refused, scope: ResultScope(projectID: "pb", region: "rb", runID: "run"), budgetKey: "ak-b"),
        ]
        let waiter = TaskWaiter(policy: Self.fast, sources: sources, clock: waitClock, random: .seeded(3))
        let jobs = [
            WaitJob(taskID: "a1", source: 0), WaitJob(taskID: "b1", source: 1), WaitJob(taskID: "a2", source: 0),
            WaitJob(taskID: "b2", source: 1),
        ]
        let collected = ResultBox()
        try await clock.run {
            await waiter.run(jobs) { event in
                if case .finished(let index, let result) = event { collected.set(index, result) }
            }
        }
        let results = collected.results
        #expect(results[0]?.outcome == .succeeded && results[0]?.projectID == "pa" && results[0]?.region == "ra")
        #expect(results[2]?.outcome == .succeeded && results[2]?.projectID == "pa")
        #expect(results[1]?.outcome == .error && results[1]?.projectID == "pb")
        #expect(results[3]?.outcome == .error && results[3]?.error?.code == "APIG.0301")
        #expect(refused.calls.values.reduce(0, +) == 1)
        #expect(good.calls["a1"] == 2)
    }

    /// Two waiters (two processes, as far as the ledger can tell: separate
    /// instances, separate file descriptors) with one credential share its
    /// budget: together never more than the limit in any window.
    @Test func twoWaitersWithOneCredentialShareTheHostBudget() async throws {
        let directory = try TemporaryDirectory()
        // Real time, not virtual: the ledger's file lock is waited for in
        // real time, and a virtual clock would jump past deadlines meanwhile.
        let waitClock = WaitClock.continuous
        let budget = WaitPolicy.RateLimit(requests: 2, per: .seconds(1))
        let policy = WaitPolicy(
            initialInterval: .milliseconds(100), maxInterval: .milliseconds(100), jitter: 0, timeout: .seconds(60), concurrency: 4, rateLimit: budget)
        let scripts: [String: [ScriptedStatusSource.Answer]] = ["t1": [.status("running"), .status("success")], "t2": [.status("success")]]
        let sources = [ScriptedStatusSource(scripts, clock: waitClock), ScriptedStatusSource(scripts, clock: waitClock)]
        let waiters = sources.map { source in
            TaskWaiter(
                policy: policy, sources: [WaitSource(service: source, scope: ResultScope(projectID: "p", runID: "r"), budgetKey: "ak-1")],
                clock: waitClock, sharedBudget: HostBudgetLedger(directory: directory.path))
        }
        let collected = ResultBox()
        await withTaskGroup(of: Void.self) { group in
            for (number, waiter) in waiters.enumerated() {
                group.addTask {
                    await waiter.run([WaitJob(taskID: "t1"), WaitJob(taskID: "t2")]) { event in
                        if case .finished(let index, let result) = event { collected.set(number * 2 + index, result) }
                    }
                }
            }
        }
        #expect(collected.results.values.allSatisfy { $0.outcome == .succeeded }, "\(collected.results.values.map(\.outcome))")
        let times = (sources[0].requestTimes + sources[1].requestTimes).sorted()
        #expect(times.count == 6)
        for index in times.indices.dropFirst(2) {
            // Request k+2 goes a period after request k was answered (answers are instant here).
            #expect(times[index] - times[index - 2] >= budget.period - .milliseconds(10), "\(times)")
        }
    }
}

/// Results collected from a waiter's events.
final class ResultBox: Sendable {
    private let state = Mutex<[Int: ExportResult]>([:])
    func set(_ index: Int, _ result: ExportResult) { state.withLock { $0[index] = result } }
    var results: [Int: ExportResult] { state.withLock { $0 } }
}
