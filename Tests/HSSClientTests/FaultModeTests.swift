import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import HSSSimulator
import TestSupport
import Testing

/// Every fault mode of the simulator (`faults: {query: [...]}`) against the real client
/// and waiter over loopback: the task ends as it should (succeeded once the fault clears,
/// `error` with a message naming the fault when it does not), and no request outlives
/// `request_timeout`, so the whole wait ends by the task's deadline plus one request.
///
/// One test at a time: twenty simulators and clients starting together, beside the rest of
/// the suite, starved each other past the short deadlines these waits measure against.
@Suite(.serialized) struct FaultModeTests {
    static let scope = ResultScope(projectID: SimulatorFixture.projectID, region: nil, runID: "run-faults")
    /// The request timeout of the modes that answer at once: long enough that a loaded
    /// machine (the whole suite runs in parallel) never turns an answer into a timeout.
    static let requestTimeout = Duration.seconds(5)
    /// The request timeout of the modes whose point is that it cuts them off (stalls, drips).
    static let shortRequestTimeout = Duration.seconds(1)
    /// The deadline of the waits that must end in `error`: room for a few requests of
    /// `requestTimeout` even on a loaded machine.
    static let deadline = Duration.seconds(8)
    /// The deadline with ``shortRequestTimeout``: room for several cut-off requests.
    static let shortDeadline = Duration.seconds(6)
    /// The deadline of the waits that must succeed once the fault clears: they end at the
    /// success, so a long one costs nothing and a loaded machine cannot fail them.
    static let recoveryDeadline = Duration.seconds(60)
    /// What a loaded 2-core machine may add to the deadline and the last request.
    static let slack = Duration.seconds(20)

    /// A scenario with task `t` (running twice, then success) and `rules` on the query route.
    static func scenario(_ rules: String, route: String = "query") throws -> SimulatorScenario {
        try SimulatorScenario(
            yaml: """
                project_id: \(SimulatorFixture.projectID)
                tokens: [\(SimulatorFixture.token)]
                rate_limit: {requests: 1000, per: 1s}
                tasks:
                  - id: t
                    script: [{status: running, polls: 2}, {status: success}]
                faults:
                  \(route): \(rules)
                """, sourceName: "faults")
    }

    static func policy(deadline: Duration = deadline) -> WaitPolicy {
        WaitPolicy(
            initialInterval: .milliseconds(50), maxInterval: .milliseconds(200), multiplier: 2, jitter: 0.2, timeout: deadline,
            concurrency: 2, rateLimit: .init(requests: 1000, per: .seconds(1)))
    }

    struct Outcome: Sendable {
        var result: ExportResult
        var elapsed: Duration
        var statistics: SimulatorStatistics
        var deadline: Duration
        var requestTimeout: Duration
    }

    /// ``wait(_:deadline:requestTimeout:)`` for a mode that only the request timeout ends.
    static func waitCutOff(_ rules: String) async throws -> Outcome {
        try await wait(rules, deadline: shortDeadline, requestTimeout: shortRequestTimeout)
    }

    /// Waits for task `t` under `rules` and returns its record, the wall time and the counters.
    static func wait(_ rules: String, deadline: Duration = deadline, requestTimeout: Duration = requestTimeout) async throws -> Outcome {
        let scenario = try scenario(rules)
        return try await withSimulator(scenario) { url, simulator in
            let configuration = HSSClientConfiguration(
                endpoint: .url(url.absoluteString), projectID: SimulatorFixture.projectID, credentials: SimulatorFixture.tokenCredentials,
                requestTimeout: requestTimeout, environment: [:])
            return try await HSSClient.withClient(configuration: configuration, logger: ForeignServerFixture.quiet) { client in
                let started = ContinuousClock.now
                let result = await TaskWaiter(policy: policy(deadline: deadline), source: client, scope: scope, logger: ForeignServerFixture.quiet)
                    .waitForTask(TaskSpec(id: "t"))
                return Outcome(
                    result: result, elapsed: ContinuousClock.now - started, statistics: await simulator.statistics, deadline: deadline,
                    requestTimeout: requestTimeout)
            }
        }
    }

    /// ``wait(_:deadline:)`` with the ``recoveryDeadline``.
    static func recover(_ rules: String) async throws -> Outcome {
        try await wait(rules, deadline: recoveryDeadline)
    }

    /// The fault ends the task with `error` at its deadline, after retries, within the bound.
    static func expectErrorAtDeadline(
        _ outcome: Outcome, code: String, _ mode: SimulatorScenario.FaultRule.Mode, minimumFaults: Int = 2,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.result.outcome == .error, "\(outcome.result)", sourceLocation: sourceLocation)
        #expect(outcome.result.error?.code == code, "\(String(describing: outcome.result.error))", sourceLocation: sourceLocation)
        // Retried, not given up on at the first answer.
        #expect(outcome.statistics.faults("query", mode) >= minimumFaults, "\(outcome.statistics.faults)", sourceLocation: sourceLocation)
        #expect(outcome.elapsed < outcome.deadline + outcome.requestTimeout + slack, "took \(outcome.elapsed)", sourceLocation: sourceLocation)
        #expect(outcome.elapsed >= outcome.deadline, "took \(outcome.elapsed)", sourceLocation: sourceLocation)
        for secret in [SimulatorFixture.token, "\u{7}", "\u{1B}", "\u{0}"] {
            #expect(!(outcome.result.error?.message.contains(secret) ?? false), sourceLocation: sourceLocation)
        }
    }

    /// The fault hits the first requests only: the task still succeeds.
    static func expectRecovery(
        _ outcome: Outcome, _ mode: SimulatorScenario.FaultRule.Mode, faults: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.result.outcome == .succeeded, "\(outcome.result)", sourceLocation: sourceLocation)
        #expect(outcome.result.error == nil, sourceLocation: sourceLocation)
        #expect(outcome.statistics.faults("query", mode) == faults, "\(outcome.statistics.faults)", sourceLocation: sourceLocation)
        #expect(outcome.statistics.polls(of: "t") == 3, sourceLocation: sourceLocation)
    }

    // MARK: - Answers that are errors

    @Test func status500IsRetriedUntilItClears() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: status_500, first: 2}]"), .status500, faults: 2)
    }

    @Test func status500ForEverEndsInErrorAtTheDeadline() async throws {
        let outcome = try await Self.wait("[{mode: status_500}]")
        Self.expectErrorAtDeadline(outcome, code: "HSS.1000", .status500)
    }

    @Test func html502EveryOtherRequestDoesNotLoseTheTask() async throws {
        let outcome = try await Self.recover("[{mode: html_502, every: 2}]")
        #expect(outcome.result.outcome == .succeeded, "\(outcome.result)")
        #expect(outcome.statistics.faults("query", .html502) == 2)
    }

    @Test func html502ForEverNamesThePage() async throws {
        let outcome = try await Self.wait("[{mode: html_502}]")
        Self.expectErrorAtDeadline(outcome, code: "502", .html502)
        let message = try #require(outcome.result.error?.message)
        #expect(message.hasPrefix("HTTP 502 with a text/html body, not JSON: <html> <head><title>502 Bad Gateway</title>"), "\(message)")
    }

    @Test func a429StormWithRetryAfterIsWaitedOut() async throws {
        // Each 429 pauses every query for its Retry-After: about 3 s in all.
        Self.expectRecovery(try await Self.recover("[{mode: throttled, first: 3, retry_after: 1s}]"), .throttled, faults: 3)
    }

    @Test func a429StormWithoutRetryAfterIsWaitedOut() async throws {
        // Without Retry-After, each 429 pauses the queries for one budget period (1 s).
        Self.expectRecovery(
            try await Self.recover("[{mode: throttled_no_retry_after, first: 3}]"), .throttledWithoutRetryAfter, faults: 3)
    }

    // MARK: - No answer, or half of one

    @Test func resetConnectionsAreRetried() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: reset, first: 2}]"), .reset, faults: 2)
    }

    @Test func resetForEverEndsInErrorAtTheDeadline() async throws {
        let outcome = try await Self.wait("[{mode: reset}]")
        Self.expectErrorAtDeadline(outcome, code: "network.connection-closed", .reset)
    }

    // The cut-off modes ask for one fault, not two: on a loaded machine (the whole suite at
    // once) the first cut-off request can take most of the short deadline; the retry after
    // a cut-off is shown by the recovery tests (`first: 1`) instead.
    @Test func aStallLongerThanTheRequestTimeoutEndsByTheDeadline() async throws {
        let outcome = try await Self.waitCutOff("[{mode: stall}]")
        Self.expectErrorAtDeadline(outcome, code: "network.timeout", .stall, minimumFaults: 1)
        #expect(outcome.result.error?.message.contains("no response within 1 s") == true, "\(String(describing: outcome.result.error))")
    }

    @Test func aShortStallIsJustSlow() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: stall, first: 1, duration: 200ms}]"), .stall, faults: 1)
    }

    @Test func aSlowDripIsCutAtTheRequestTimeout() async throws {
        // One byte per 300 ms: a task answer would take about a minute.
        let outcome = try await Self.waitCutOff("[{mode: slow_drip, interval: 300ms}]")
        Self.expectErrorAtDeadline(outcome, code: "network.timeout", .slowDrip, minimumFaults: 1)
    }

    @Test func aDripFastEnoughCompletes() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: slow_drip, first: 1, interval: 1ms}]"), .slowDrip, faults: 1)
    }

    @Test func anEndlessDripEndsByTheDeadlinePlusOneRequestTimeout() async throws {
        let outcome = try await Self.waitCutOff("[{mode: endless_drip, interval: 100ms}]")
        Self.expectErrorAtDeadline(outcome, code: "network.timeout", .endlessDrip, minimumFaults: 1)
    }

    @Test func aTruncatedBodyIsRetried() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: truncated, first: 2}]"), .truncated, faults: 2)
    }

    @Test func aTruncatedBodyForEverEndsInErrorAtTheDeadline() async throws {
        let outcome = try await Self.wait("[{mode: truncated}]")
        Self.expectErrorAtDeadline(outcome, code: "network.connection-closed", .truncated)
    }

    // MARK: - Answers that are not the documented JSON

    @Test func garbage200IsRetriedUntilItClears() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: garbage_200, first: 2}]"), .garbage200, faults: 2)
    }

    @Test func garbage200ForEverEndsInErrorNamingIt() async throws {
        let outcome = try await Self.wait("[{mode: garbage_200}]")
        Self.expectErrorAtDeadline(outcome, code: "garbage-response", .garbage200)
        let message = try #require(outcome.result.error?.message)
        #expect(
            message.hasPrefix(#"HTTP 200 with an application/json body, not JSON: ]]>\u{7}\u{1b}[31m not json {"task_status": \u{0} (GET "#),
            "\(message)")
    }

    @Test func anHTMLPortalPageWithStatus200IsNotTheTasksEnd() async throws {
        let outcome = try await Self.recover("[{mode: html_200, probability: 0.5, seed: 3}]")
        #expect(outcome.result.outcome == .succeeded, "\(outcome.result)")
        let always = try await Self.wait("[{mode: html_200}]")
        Self.expectErrorAtDeadline(always, code: "garbage-response", .html200)
        #expect(always.result.error?.message.hasPrefix("HTTP 200 with a text/html body, not JSON: <!DOCTYPE html> <html><head><title>") == true)
    }

    @Test func wrongTypesAreRetriedAndNamed() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: wrong_types, first: 1}]"), .wrongTypes, faults: 1)
        let always = try await Self.wait("[{mode: wrong_types}]")
        Self.expectErrorAtDeadline(always, code: "unexpected-json", .wrongTypes)
        #expect(
            always.result.error?.message.hasPrefix(
                "HTTP 200 with a JSON body, but its task_status is a number (42), not the string the API documents")
                == true, "\(String(describing: always.result.error))")
    }

    @Test func aHugeBodyIsCappedAndRetried() async throws {
        Self.expectRecovery(try await Self.recover("[{mode: huge_body, first: 1}]"), .hugeBody, faults: 1)
        let always = try await Self.wait("[{mode: huge_body, size: 5MB}]")
        Self.expectErrorAtDeadline(always, code: "response-too-large", .hugeBody)
        #expect(always.result.error?.message.hasPrefix("HTTP 200 answer of more than 1048576 bytes") == true)
    }

    // MARK: - Nothing listening

    @Test func aRefusedConnectionFailsFastAndIsRetriedWithBackoff() async throws {
        // A port the simulator held a moment ago: nothing listens there now.
        let port = try await withSimulator { url, _ in url.port ?? 0 }
        let configuration = HSSClientConfiguration(
            endpoint: .url("http://127.0.0.1:\(port)"), projectID: SimulatorFixture.projectID, credentials: SimulatorFixture.tokenCredentials,
            requestTimeout: Self.requestTimeout, environment: [:])
        let result = try await HSSClient.withClient(configuration: configuration, logger: ForeignServerFixture.quiet) { client in
            await TaskWaiter(policy: Self.policy(), source: client, scope: Self.scope, logger: ForeignServerFixture.quiet).waitForTask(
                TaskSpec(id: "t"))
        }
        #expect(result.outcome == .error)
        #expect(result.error?.code == "network.connection-refused", "\(String(describing: result.error))")
        // Each attempt fails in milliseconds, so the 8 s deadline leaves room for many,
        // spaced by the backoff (50 ms, 100 ms, then 200 ms).
        #expect(result.polls >= 5, "\(result.polls) attempts")
    }
}

/// The create route's faults: an unusable answer to a create may mean the task exists, so
/// it is never sent again.
@Suite struct CreateFaultTests {
    static let creation = ExportCreation(
        operation: "ExportVuls", pathSegments: ["vul", "export"],
        query: [.init(name: "export_size", value: "100"), .init(name: "category", value: "vul")],
        body: .object([("export_headers", .array([.array([.string("vul_name"), .string("Vulnerability")])]))]))

    static func failure(_ rules: String) async throws -> (any TaskStatusFailure, SimulatorStatistics) {
        try await withSimulator(try FaultModeTests.scenario(rules, route: "create")) { url, simulator in
            let configuration = HSSClientConfiguration(
                endpoint: .url(url.absoluteString), projectID: SimulatorFixture.projectID, credentials: SimulatorFixture.tokenCredentials,
                requestTimeout: FaultModeTests.requestTimeout, environment: [:])
            return try await HSSClient.withClient(configuration: configuration, logger: ForeignServerFixture.quiet) { client in
                do {
                    let created = try await client.createExport(Self.creation)
                    Issue.record("created \(created)")
                    throw CancellationError()
                } catch let error as any TaskStatusFailure {
                    return (error, await simulator.statistics)
                }
            }
        }
    }

    @Test(arguments: ["garbage_200", "html_200", "wrong_types", "huge_body", "truncated", "reset", "html_502", "endless_drip"])
    func anUnusableAnswerToACreateIsAnUnknownOutcome(mode: String) async throws {
        let (error, statistics) = try await Self.failure("[{mode: \(mode)}]")
        #expect(error.disposition == .outcomeUnknown, "\(error)")
        #expect(statistics.faults["create:\(mode)"] == 1)
        #expect(error.description.contains("may have created the export task"), "\(error)")
    }

    @Test func aThrottledCreateIsSentAgain() async throws {
        let (error, _) = try await Self.failure("[{mode: throttled}]")
        #expect(error.disposition == .throttled(retryAfter: .seconds(1)))
    }
}
