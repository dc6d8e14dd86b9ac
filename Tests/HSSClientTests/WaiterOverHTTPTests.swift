import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import HSSSimulator
import TestSupport
import Testing

/// The waiter driving the real client against the real simulator over
/// loopback: the behaviour a nightly run depends on, end to end.
@Suite struct WaiterOverHTTPTests {
    static let scope = ResultScope(projectID: SimulatorFixture.projectID, region: nil, runID: "run-http")

    static let scenarioYAML = """
        project_id: \(SimulatorFixture.projectID)
        tokens: [\(SimulatorFixture.token)]
        access_keys:
          - {access_key: \(SimulatorFixture.accessKey), secret_key: \(SimulatorFixture.secretKey)}
        rate_limit: RATE
        tasks:
          - id: three-polls
            script: [{status: running, polls: 3}, {status: success}]
          - id: two-polls
            script: [{status: running, polls: 2}, {status: success}]
          - id: fails
            script: [{status: running, polls: 1}, {status: failure}]
          - id: forever
            script: [{status: running}]
          - id: flaky
            script: [{http_status: 502, polls: 2}, {status: success}]
        """

    func withClient<T: Sendable>(
        rateLimit: String = "{requests: 1000, per: 60s}",
        credentials: HSSCredentials = SimulatorFixture.tokenCredentials,
        _ body: @escaping @Sendable (HSSClient, HSSSimulator) async throws -> T
    ) async throws -> T {
        let scenario = try SimulatorScenario(yaml: Self.scenarioYAML.replacingOccurrences(of: "RATE", with: rateLimit))
        return try await withSimulator(scenario) { url, simulator in
            let configuration = HSSClientConfiguration(
                endpoint: .url(url.absoluteString), projectID: SimulatorFixture.projectID, credentials: credentials)
            return try await HSSClient.withClient(configuration: configuration) { client in
                try await body(client, simulator)
            }
        }
    }

    static func policy(timeout: Duration = .seconds(120), rate: WaitPolicy.RateLimit = .init(requests: 1000, per: .seconds(1))) -> WaitPolicy {
        WaitPolicy(
            initialInterval: .milliseconds(20), maxInterval: .milliseconds(80), multiplier: 2, jitter: 0.2, timeout: timeout, concurrency: 4,
            rateLimit: rate)
    }

    @Test(arguments: ["token", "aksk"])
    func aThreePollTaskCostsFourRequests(auth: String) async throws {
        let credentials = auth == "token" ? SimulatorFixture.tokenCredentials : SimulatorFixture.accessKeyCredentials
        try await withClient(credentials: credentials) { client, simulator in
            let waiter = TaskWaiter(policy: Self.policy(), source: client, scope: Self.scope)
            let result = await waiter.waitForTask(TaskSpec(id: "three-polls"))
            #expect(result.outcome == .succeeded)
            #expect(result.polls == 4)
            #expect(await simulator.statistics.polls(of: "three-polls") == 4)
            #expect(await simulator.statistics.totalRequests == 4)
        }
    }

    @Test func failureAndServerErrorsAreHandledPerTask() async throws {
        try await withClient { client, _ in
            let waiter = TaskWaiter(policy: Self.policy(), source: client, scope: Self.scope)
            let collected = Collected()
            await waiter.wait(for: ["fails", "flaky", "missing"].map { TaskSpec(id: $0) }) { event in
                if case .finished(let index, let result) = event { await collected.add(index, result) }
            }
            let results = await collected.sorted
            #expect(results.map(\.outcome) == [.failed, .succeeded, .error])
            #expect(results[1].polls == 3)
            #expect(results[1].error == nil)
            #expect(results[2].error?.code == "HSS.1059")
            #expect(results[2].error?.requestID?.isEmpty == false)
            #expect(results[2].polls == 1)
        }
    }

    @Test func aBadSignatureEndsTheTaskAtOnceWithTheGatewayCode() async throws {
        let wrong = HSSCredentials.accessKey(.init(accessKey: SimulatorFixture.accessKey, secretKey: "WrongSecretKey000000000000000000000000000"))
        try await withClient(credentials: wrong) { client, simulator in
            let waiter = TaskWaiter(policy: Self.policy(), source: client, scope: Self.scope)
            let result = await waiter.waitForTask(TaskSpec(id: "two-polls"))
            #expect(result.outcome == .error)
            #expect(result.error?.code == "APIG.0301")
            #expect(result.polls == 1)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
        }
    }

    @Test func aTaskStillRunningAtItsDeadlineTimesOut() async throws {
        try await withClient { client, _ in
            let policy = Self.policy(timeout: .milliseconds(300))
            let waiter = TaskWaiter(policy: policy, source: client, scope: Self.scope)
            let result = await waiter.waitForTask(TaskSpec(id: "forever"))
            #expect(result.outcome == .timedOut)
            #expect(result.taskStatus == "running")
            #expect(result.waitSeconds >= 0.3)
        }
    }

    @Test func theBudgetKeepsEveryTaskUnderTheServersLimit() async throws {
        // The server allows 4 requests per second per user; so does the budget.
        try await withClient(rateLimit: "{requests: 4, per: 1s}") { client, simulator in
            let policy = Self.policy(rate: .init(requests: 4, per: .seconds(1)))
            let waiter = TaskWaiter(policy: policy, source: client, scope: Self.scope)
            let collected = Collected()
            await waiter.wait(for: ["three-polls", "two-polls", "fails"].map { TaskSpec(id: $0) }) { event in
                if case .finished(let index, let result) = event { await collected.add(index, result) }
            }
            #expect(await collected.sorted.map(\.outcome) == [.succeeded, .succeeded, .failed])
            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests == 0)
            #expect(statistics.totalRequests == 4 + 3 + 2)
        }
    }

    @Test func throttlingIsHonouredWithRetryAfterAndEveryTaskStillFinishes() async throws {
        // The budget is set too high on purpose: the server's 429s must slow us down.
        // A window of 3 s, so even a loaded machine sends the 4th request inside it.
        try await withClient(rateLimit: "{requests: 3, per: 3s}") { client, simulator in
            let policy = Self.policy(rate: .init(requests: 100, per: .seconds(1)))
            let waiter = TaskWaiter(policy: policy, source: client, scope: Self.scope)
            let collected = Collected()
            await waiter.wait(for: ["three-polls", "two-polls", "fails"].map { TaskSpec(id: $0) }) { event in
                if case .finished(let index, let result) = event { await collected.add(index, result) }
            }
            let results = await collected.sorted
            #expect(results.map(\.outcome) == [.succeeded, .succeeded, .failed])
            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests > 0)
            // After a 429 every task pauses for Retry-After (1 s), so throttled requests stay
            // few: at most one burst of concurrent tasks per window, not a retry storm.
            #expect(statistics.throttledRequests <= 3 * 3)
            #expect(results.allSatisfy { $0.error == nil })
        }
    }
}

actor Collected {
    var items: [(Int, ExportResult)] = []
    func add(_ index: Int, _ result: ExportResult) { items.append((index, result)) }
    var sorted: [ExportResult] { items.sorted { $0.0 < $1.0 }.map(\.1) }
}
