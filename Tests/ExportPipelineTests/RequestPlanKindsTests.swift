import ExportPipeline
import ExportStageKit
import Testing

/// One budget per API: creates, queries and downloads never wait for each
/// other's budget, and a create of unknown outcome is never sent again.
@Suite struct RequestPlanKindsTests {
    static let start = WaitClock.Instant(offset: .zero)

    /// At 1 request per 10 s each, a run of 3 exports with downloads needs
    /// the three budgets side by side: it would take three times as long on one.
    @Test func eachKindSpendsItsOwnBudget() {
        let budget = WaitPolicy.RateLimit(requests: 1, per: .seconds(10))
        let policy = WaitPolicy(
            initialInterval: .seconds(1), maxInterval: .seconds(1), jitter: 0, timeout: .seconds(3600), concurrency: 8,
            rateLimit: budget, createRateLimit: budget, downloadRateLimit: budget
        )
        let run = RequestPlanSimulation.run(
            .init(
                policy: policy, finishTimes: [.zero, .zero, .zero], serverLimit: budget, seed: 3, created: [0, 1, 2], downloads: true))
        #expect(run.finished)
        #expect(run.outcomes == [.succeeded, .succeeded, .succeeded])
        #expect(run.overBudget == 0)
        #expect(run.requestsByKind[.create] == 3)
        #expect(run.requestsByKind[.download] == 3)
        // 3 creates need 20 s of the create budget; the queries and downloads
        // overlap them instead of queueing behind.
        #expect(run.endedAtTime < .seconds(45), "\(run.endedAtTime)")
    }

    @Test func aCreateOfUnknownOutcomeIsNeverSentAgain() {
        var plan = RequestPlan(items: [.init(firstStep: .create)], policy: WaitPolicy(), start: Self.start)
        guard case .send(let task, .create, let request) = plan.next(now: Self.start) else {
            Issue.record("no create")
            return
        }
        plan.answered(task: task, kind: .create, request: request, answer: .failure(.outcomeUnknown), at: Self.start + .seconds(1))
        #expect(plan.next(now: Self.start + .seconds(100)) == .done)
        #expect(plan.outcomes == [.error])
        #expect(plan.requests(of: .create) == 1)
    }

    @Test func aThrottledCreateIsSentAgainAfterRetryAfter() {
        var plan = RequestPlan(items: [.init(firstStep: .create)], policy: WaitPolicy(), start: Self.start)
        guard case .send(let task, .create, let request) = plan.next(now: Self.start) else {
            Issue.record("no create")
            return
        }
        plan.answered(task: task, kind: .create, request: request, answer: .failure(.throttled(retryAfter: .seconds(3))), at: Self.start)
        #expect(plan.next(now: Self.start + .seconds(1)) == .wait(until: Self.start + .seconds(12)))
        guard case .send(_, .create, let again) = plan.next(now: Self.start + .seconds(60)) else {
            Issue.record("the create was not sent again")
            return
        }
        #expect(again == 1)
    }

    @Test func aCreatedTaskIsFirstAskedAfterTheInitialInterval() {
        let policy = WaitPolicy(initialInterval: .seconds(5), jitter: 0, rateLimit: .init(requests: 100, per: .seconds(1)))
        var plan = RequestPlan(items: [.init(firstStep: .create, downloads: true)], policy: policy, start: Self.start)
        guard case .send(_, .create, let request) = plan.next(now: Self.start) else {
            Issue.record("no create")
            return
        }
        plan.answered(task: 0, kind: .create, request: request, answer: .created, at: Self.start + .seconds(1))
        #expect(plan.next(now: Self.start + .seconds(1)) == .wait(until: Self.start + .seconds(6)))
        guard case .send(_, .query, let query) = plan.next(now: Self.start + .seconds(6)) else {
            Issue.record("no query")
            return
        }
        plan.answered(task: 0, kind: .query, request: query, answer: .status("success"), at: Self.start + .seconds(6))
        guard case .send(_, .download, let download) = plan.next(now: Self.start + .seconds(6)) else {
            Issue.record("no download after success")
            return
        }
        plan.answered(task: 0, kind: .download, request: download, answer: .downloaded, at: Self.start + .seconds(7))
        #expect(plan.next(now: Self.start + .seconds(7)) == .done)
        #expect(plan.outcomes == [.succeeded])
    }
}
