import ExportStageKit
import Foundation
import Testing
import Yams

@testable import HSSSimulator

/// The `faults: {query, create, download}` rules: how they are read (every key checked and
/// located), which requests they select (deterministically), and what goes on the wire.
@Suite("Fault rules")
struct FaultRuleTests {
    static let head = """
        project_id: \(HTTPTestClient.projectID)
        tokens: [demo-token]
        tasks:
          - {id: t, script: [{status: running, polls: 1}, {status: success}]}

        """

    static func load(_ faults: String) throws -> SimulatorScenario {
        try SimulatorScenario(yaml: head + "faults:\n" + faults + "\n", sourceName: "faults.yaml")
    }

    static func error(_ faults: String) throws -> SimulatorScenarioError {
        try #require(throws: SimulatorScenarioError.self) { try Self.load(faults) }
    }

    typealias Rule = SimulatorScenario.FaultRule

    @Test("every mode and selector is read, and the scenario encodes to YAML that loads again")
    func readsAndRoundTrips() throws {
        let scenario = try Self.load(
            """
              query:
                - {mode: html_502, every: 3}
                - {mode: reset, first: 2}
                - {mode: garbage_200, probability: 0.2, seed: 7}
                - {mode: slow_drip, interval: 50ms}
                - {mode: stall, duration: 2s}
                - {mode: endless_drip}
                - {mode: huge_body, size: 2MB}
                - {mode: throttled, retry_after: 3s}
              create: [{mode: wrong_types}]
              download: [{mode: truncated, first: 1}, {mode: throttled_no_retry_after}]
            """)
        let faults = scenario.faults
        #expect(
            faults.query == [
                Rule(mode: .html502, selector: .every(3)), Rule(mode: .reset, selector: .first(2)),
                Rule(mode: .garbage200, selector: .probability(0.2, seed: 7)), Rule(mode: .slowDrip, interval: .milliseconds(50)),
                Rule(mode: .stall, duration: .seconds(2)), Rule(mode: .endlessDrip), Rule(mode: .hugeBody, size: 2 << 20),
                Rule(mode: .throttled, retryAfter: .seconds(3)),
            ])
        #expect(faults.create == [Rule(mode: .wrongTypes)])
        #expect(faults.download == [Rule(mode: .truncated, selector: .first(1)), Rule(mode: .throttledWithoutRetryAfter)])
        #expect(Rule.Mode.allCases.count == 13)

        let yaml = try YAMLEncoder().encode(scenario)
        #expect(try SimulatorScenario(yaml: yaml) == scenario, "\(yaml)")
    }

    @Test(
        "a bad rule is refused at its key",
        arguments: [
            ("  query: [{mode: html_502, evry: 3}]", "faults.query[0].evry", "did you mean 'every'?"),
            ("  query: [{mode: html_503}]", "faults.query[0].mode", "unknown fault mode 'html_503'; allowed: status_500, html_502, reset"),
            ("  query: [{every: 3}]", "faults.query[0]", "missing required key 'mode'"),
            ("  query: [{mode: reset, first: 1, every: 2}]", "faults.query[0].every", "give at most one of first, every and probability"),
            ("  query: [{mode: reset, first: 0}]", "faults.query[0].first", "must be between 1 and 1000000000, not 0"),
            ("  query: [{mode: reset, probability: 1.5}]", "faults.query[0].probability", "must be between 0 and 1, not 1.5"),
            ("  query: [{mode: reset, seed: 3}]", "faults.query[0].seed", "applies only with probability"),
            ("  query: [{mode: slow_drip, interval: 0ms}]", "faults.query[0].interval", "must be between 1ms and 1h, not 0s"),
            ("  query: [{mode: stall, duration: 2h}]", "faults.query[0].duration", "must be between 1ms and 1h, not 2h"),
            ("  query: [{mode: html_502, duration: 2s}]", "faults.query[0].duration", "does not apply to the mode html_502"),
            ("  query: [{mode: huge_body, size: 2GB}]", "faults.query[0].size", "must be between 1 byte and 1GB"),
            ("  download: [{mode: wrong_types}]", "faults.download[0].mode", "applies to query and create, not download"),
            ("  queries: []", "faults.queries", "unknown key 'queries'; allowed here: truncate_downloads"),
        ])
    func badRulesAreLocated(yaml: String, keyPath: String, message: String) throws {
        let error = try Self.error(yaml)
        #expect(error.keyPath == keyPath, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.line != nil)
    }

    @Test("first, every and probability select the same requests in every run")
    func selection() {
        func selected(_ rules: [Rule], _ count: Int = 12) -> [String] {
            var schedule = FaultSchedule(rules: rules)
            return (0..<count).map { _ in schedule.next()?.mode.rawValue ?? "-" }
        }
        #expect(selected([Rule(mode: .reset, selector: .first(2))], 4) == ["reset", "reset", "-", "-"])
        #expect(selected([Rule(mode: .html502, selector: .every(3))], 7) == ["-", "-", "html_502", "-", "-", "html_502", "-"])
        // The first rule that selects a request wins.
        #expect(
            selected([Rule(mode: .reset, selector: .first(1)), Rule(mode: .html502, selector: .every(2))], 4) == [
                "reset", "html_502", "-", "html_502",
            ])
        let seeded = [Rule(mode: .garbage200, selector: .probability(0.5, seed: 11))]
        #expect(selected(seeded, 200) == selected(seeded, 200))
        let hits = selected(seeded, 1000).filter { $0 != "-" }.count
        #expect((350...650).contains(hits), "\(hits) of 1000")
        #expect(selected([Rule(mode: .reset, selector: .probability(0, seed: 1))], 100).allSatisfy { $0 == "-" })
        #expect(selected([Rule(mode: .reset, selector: .probability(1, seed: 1))], 100).allSatisfy { $0 == "reset" })
        #expect(selected([Rule(mode: .reset)], 5).allSatisfy { $0 == "reset" })
    }

    // MARK: - On the wire

    static func onWire(_ faults: String, _ body: @escaping @Sendable (HTTPTestClient, HSSSimulator) async throws -> Void) async throws {
        try await withSimulator(try Self.load(faults), body)
    }

    @Test("html_502 and html_200 send HTML pages; garbage_200 sends bytes that are not JSON; none reaches the script")
    func pages() async throws {
        try await Self.onWire("  query: [{mode: html_502, first: 1}, {mode: html_200, first: 2}, {mode: garbage_200, first: 3}]") {
            client, simulator in
            let bad = try await client.getWithToken(taskPath("t"))
            #expect(bad.status == 502)
            #expect(bad.headers["content-type"] == "text/html")
            #expect(bad.text.contains("<title>502 Bad Gateway</title>"))
            let portal = try await client.getWithToken(taskPath("t"))
            #expect(portal.status == 200)
            #expect(portal.headers["content-type"] == "text/html")
            let garbage = try await client.getWithToken(taskPath("t"))
            #expect(garbage.status == 200)
            #expect(garbage.headers["content-type"] == "application/json;charset=UTF-8")
            #expect((try? JSONSerialization.jsonObject(with: garbage.body)) == nil)
            #expect(await simulator.statistics.polls(of: "t") == 0)
            let real = try await client.getWithToken(taskPath("t"))
            #expect(try real.json()["task_status"] == "running")
            let statistics = await simulator.statistics
            #expect(statistics.faults == ["query:html_502": 1, "query:html_200": 1, "query:garbage_200": 1])
        }
    }

    @Test("status_500 and 429 storms answer in HSS's error format, with and without Retry-After")
    func errorAnswers() async throws {
        try await Self.onWire(
            "  query: [{mode: status_500, first: 1}, {mode: throttled, first: 2, retry_after: 2500ms}, {mode: throttled_no_retry_after, first: 3}]"
        ) { client, _ in
            let failed = try await client.getWithToken(taskPath("t"))
            #expect(failed.status == 500)
            #expect(try failed.json()["error_code"] == "HSS.1000")
            let throttled = try await client.getWithToken(taskPath("t"))
            #expect(throttled.status == 429)
            #expect(throttled.headers["retry-after"] == "3")
            #expect(try throttled.json()["error_code"] == "APIG.0308")
            let bare = try await client.getWithToken(taskPath("t"))
            #expect(bare.status == 429)
            #expect(bare.headers["retry-after"] == nil)
        }
    }

    @Test("wrong_types puts a number in task_status; huge_body pads the answer to valid JSON of the size")
    func alteredAnswers() async throws {
        try await Self.onWire("  query: [{mode: wrong_types, first: 1}, {mode: huge_body, first: 2, size: 3MB}]") { client, simulator in
            let wrong = try await client.getWithToken(taskPath("t"))
            let object = try #require(try JSONSerialization.jsonObject(with: wrong.body) as? [String: Any])
            #expect(object["task_status"] as? Int == 42)
            #expect(object["task_id"] as? String == "t")
            let huge = try await client.getWithToken(taskPath("t"))
            #expect(huge.body.count == 3 << 20)
            let padded = try #require(try JSONSerialization.jsonObject(with: huge.body) as? [String: Any])
            #expect(padded["task_status"] as? String == "success")
            #expect(await simulator.statistics.polls(of: "t") == 2)
        }
    }

    @Test("reset, truncated and endless_drip leave the client without a complete answer; slow_drip completes")
    func brokenConnections() async throws {
        try await Self.onWire(
            "  query: [{mode: reset, first: 1}, {mode: truncated, first: 2}, {mode: slow_drip, first: 3, interval: 1ms}, {mode: endless_drip, first: 4, duration: 300ms, interval: 10ms}]"
        ) { client, simulator in
            await #expect(throws: (any Error).self) { try await client.getWithToken(taskPath("t")) }
            await #expect(throws: (any Error).self) { try await client.getWithToken(taskPath("t")) }
            let dripped = try await client.getWithToken(taskPath("t"))
            #expect(try dripped.json()["task_id"] == "t")
            await #expect(throws: (any Error).self) { try await client.getWithToken(taskPath("t")) }
            let statistics = await simulator.statistics
            #expect(statistics.faults == ["query:reset": 1, "query:truncated": 1, "query:slow_drip": 1, "query:endless_drip": 1])
        }
    }
}
