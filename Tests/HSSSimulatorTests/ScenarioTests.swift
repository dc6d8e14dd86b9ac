import ExportStageKit
import Foundation
import HSSSimulator
import Testing
import Yams

@Suite("Scenario files")
struct ScenarioTests {
    @Test("the documented default-scenario.yaml equals the built-in scenario")
    func defaultFromBundle() throws {
        // Same bytes, not only the same meaning, so the documented file is the real one.
        let resource = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HSSSimulator/Resources/default-scenario.yaml")
        let text = try String(contentsOf: resource, encoding: .utf8)
        #expect(text == SimulatorScenario.defaultYAML)
        #expect(try SimulatorScenario(yaml: text) == SimulatorScenario.default)
        let scenario = SimulatorScenario.default
        #expect(scenario.projectID == "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        #expect(scenario.tokens == ["demo-token"])
        #expect(scenario.accessKeys == [.init(accessKey: "HPUAEXAMPLEAK0000001", secretKey: "ExampleSecretKey0000000000000000000000000")])
        #expect(scenario.rateLimit == .init(requests: 600, per: .seconds(60)))
        #expect(scenario.tasks.map(\.id) == ["export-vul-0001", "export-event-0002", "export-baseline-0003", "export-report-0004"])
        #expect(scenario.tasks[0].script == [.init(.status("running"), length: .polls(3)), .init(.status("success"))])
        #expect(scenario.tasks[1].script == [.init(.status("running"), length: .polls(2)), .init(.status("success"))])
        #expect(scenario.tasks[2].script == [.init(.status("running"), length: .polls(1)), .init(.status("failure"))])
        #expect(scenario.tasks[3].script == [.init(.status("running"), length: .duration(.seconds(1))), .init(.status("success"))])
    }

    @Test("scenarios round-trip through YAML encoding")
    func roundTrip() throws {
        let original = try scenario(
            tasks: "  - {id: t, script: [{http_status: 429, error_code: X.1, polls: 2}, {status: running, for: 1500ms}, {status: success}]}",
            extra: "latency: 20ms\nrate_limit: {requests: 5, per: 2m}"
        )
        let yaml = try YAMLEncoder().encode(original)
        #expect(try SimulatorScenario(yaml: yaml) == original)
        #expect(yaml.contains("for: 1500ms"))
        #expect(yaml.contains("per: 2m"))
    }

    @Test("descriptions never show tokens or secret keys")
    func descriptionHidesSecrets() {
        let text = "\(SimulatorScenario.default) \(SimulatorScenario.default.accessKeys[0])"
        #expect(!text.contains("demo-token"))
        #expect(!text.contains("ExampleSecretKey"))
        #expect(text.contains("HPUAEXAMPLEAK0000001"))
    }

    struct BadScenario: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var keyPath: String
        var line: Int?
        var messageContains: String
        var testDescription: String { name }
    }

    static let header = """
        project_id: p
        tokens: [t]

        """

    @Test(
        "errors name the file, line, key and fix",
        arguments: [
            BadScenario(
                name: "unknown top-level key", yaml: header + "taks: []\n", keyPath: "taks", line: 3,
                messageContains: "unknown key 'taks'; did you mean 'tasks'?"),
            BadScenario(
                name: "unknown step key", yaml: header + "tasks:\n  - id: a\n    script:\n      - {status: running, poll: 2}\n",
                keyPath: "tasks[0].script[0].poll", line: 6, messageContains: "did you mean 'polls'?"),
            BadScenario(
                name: "bad duration", yaml: header + "tasks:\n  - id: a\n    script:\n      - {status: running, for: 2x}\n",
                keyPath: "tasks[0].script[0].for", line: 6, messageContains: "bad duration '2x'"),
            BadScenario(
                name: "duration without unit", yaml: header + "rate_limit: {requests: 1, per: 60}\n",
                keyPath: "rate_limit.per", line: 3, messageContains: "bad duration '60'; write a number and a unit"),
            BadScenario(
                name: "polls not a number", yaml: header + "tasks:\n  - id: a\n    script: [{status: running, polls: three}]\n",
                keyPath: "tasks[0].script[0].polls", line: 5, messageContains: "expected a whole number, found 'three'"),
            BadScenario(name: "missing project", yaml: "tokens: [t]\n", keyPath: "", line: 1, messageContains: "missing required key 'project_id'"),
            BadScenario(
                name: "missing script", yaml: header + "tasks:\n  - id: a\n", keyPath: "tasks[0]", line: 4,
                messageContains: "missing required key 'script'"),
            BadScenario(
                name: "step without answer", yaml: header + "tasks:\n  - id: a\n    script: [{polls: 2}]\n",
                keyPath: "tasks[0].script[0]", line: 5, messageContains: "needs 'status'"),
            BadScenario(
                name: "both lengths", yaml: header + "tasks:\n  - id: a\n    script: [{status: running, polls: 2, for: 1s}]\n",
                keyPath: "tasks[0].script[0]", line: 5, messageContains: "both 'polls' and 'for'"),
            BadScenario(
                name: "for and until", yaml: header + "tasks:\n  - id: a\n    script: [{status: running, for: 1s, until: 2s}]\n",
                keyPath: "tasks[0].script[0]", line: 5, messageContains: "both 'for' and 'until'; keep one"),
            BadScenario(
                name: "three lengths", yaml: header + "tasks:\n  - id: a\n    script: [{status: running, polls: 1, for: 1s, until: 2s}]\n",
                keyPath: "tasks[0].script[0]", line: 5, messageContains: "'polls', 'for' and 'until'; keep one"),
            BadScenario(
                name: "until zero", yaml: header + "tasks:\n  - id: a\n    script: [{status: running, until: 0s}]\n",
                keyPath: "tasks[0].script[0].until", line: 5, messageContains: "must be longer than 0"),
            BadScenario(
                name: "status out of range", yaml: header + "tasks:\n  - id: a\n    script: [{http_status: 302}]\n",
                keyPath: "tasks[0].script[0].http_status", line: 5, messageContains: "from 400 to 599, not 302"),
            BadScenario(
                name: "duplicate task id",
                yaml: header + "tasks:\n  - {id: a, script: [{status: success}]}\n  - {id: a, script: [{status: success}]}\n",
                keyPath: "tasks[1].id", line: 5, messageContains: "duplicate task id 'a' (also tasks[0])"),
            BadScenario(name: "no credentials", yaml: "project_id: p\n", keyPath: "", line: 1, messageContains: "accepts no credentials"),
            BadScenario(
                name: "empty script", yaml: header + "tasks:\n  - {id: a, script: []}\n", keyPath: "tasks[0].script", line: 4,
                messageContains: "at least one step"),
            BadScenario(name: "YAML syntax", yaml: header + "tasks: [\n", keyPath: "", line: nil, messageContains: "invalid YAML"),
        ])
    func errors(_ bad: BadScenario) throws {
        let error = try #require(throws: SimulatorScenarioError.self) {
            try SimulatorScenario(yaml: bad.yaml, sourceName: "bad.yaml")
        }
        #expect(error.keyPath == bad.keyPath)
        if let line = bad.line {
            #expect(error.line == line)
        }
        #expect(error.message.contains(bad.messageContains), "\(error)")
        #expect(error.description.hasPrefix("bad.yaml:"))
        if !bad.keyPath.isEmpty {
            #expect(error.description.contains(": \(bad.keyPath): "))
        }
    }

    @Test("a missing file names the path")
    func missingFile() throws {
        let error = try #require(throws: SimulatorScenarioError.self) {
            try SimulatorScenario(contentsOf: URL(fileURLWithPath: "/nonexistent/scenario.yaml"))
        }
        #expect(error.description.hasPrefix("/nonexistent/scenario.yaml: cannot read"))
    }

    @Test(
        "durations accept ms, s, m, h and decimals",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("2s", .seconds(2)), ("1m", .seconds(60)),
            ("1.5s", .milliseconds(1_500)), ("1h", .seconds(3_600)),
        ])
    func durations(text: String, expected: Duration) throws {
        let scenario = try scenario(tasks: "  - {id: a, script: [{status: running, for: \(text)}]}")
        #expect(scenario.tasks[0].script[0].length == .duration(expected))
    }

    @Test("durations are written as in pipeline files, so 1m30s works everywhere")
    func compoundDurations() throws {
        let scenario = try scenario(
            tasks: "  - {id: a, script: [{status: running, for: 1m30s}, {status: success}]}",
            extra: "latency: 1s250ms\nrate_limit: {requests: 5, per: 1m30s}"
        )
        #expect(scenario.tasks[0].script[0].length == .duration(.seconds(90)))
        #expect(scenario.rateLimit.per == .seconds(90))
        #expect(scenario.latency == .milliseconds(1_250))
        // The same text as a pipeline file's.
        #expect(DurationText.parse("1m30s") == .seconds(90))
        // Written back in the shortest exact spelling, which loads again.
        let yaml = try YAMLEncoder().encode(scenario)
        #expect(yaml.contains("for: 90s"))
        #expect(yaml.contains("per: 90s"))
        #expect(yaml.contains("latency: 1250ms"))
        #expect(try SimulatorScenario(yaml: yaml) == scenario)
    }

    @Test("until reads as a time on the scenario clock and is written back as until")
    func untilStep() throws {
        let scenario = try scenario(tasks: "  - {id: a, script: [{status: running, until: 2503ms}, {status: success}]}")
        #expect(scenario.tasks[0].script == [.init(.status("running"), length: .until(.milliseconds(2_503))), .init(.status("success"))])
        let yaml = try YAMLEncoder().encode(scenario)
        #expect(yaml.contains("until: 2503ms"))
        #expect(try SimulatorScenario(yaml: yaml) == scenario)
    }
}
