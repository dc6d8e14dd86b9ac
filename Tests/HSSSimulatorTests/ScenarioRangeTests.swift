import ExportStageKit
import Foundation
import HSSSimulator
import Testing

/// Durations and sizes in scenarios are range-checked, and YAML reader errors
/// are located, like in pipeline files.
@Suite("Scenario numbers and reader errors")
struct ScenarioRangeTests {
    static let head = """
        project_id: p
        tokens: [t]
        tasks:
          - id: a
            script: [{status: success}]

        """

    func rejection(_ yaml: String) -> SimulatorScenarioError? {
        do {
            _ = try SimulatorScenario(yaml: yaml, sourceName: "s.yaml")
            Issue.record("expected a rejection")
            return nil
        } catch let error as SimulatorScenarioError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test(
        "a duration beyond 8784h is out of range, located at its value",
        arguments: [
            ("latency: 99999999999999999h\n", "latency", 6, 10),
            ("rate_limit: {requests: 5, per: 9223372036854775807s}\n", "rate_limit.per", 6, 32),
            ("faults: {create_latency: 8785h}\n", "faults.create_latency", 6, 26),
            ("export_template: {script: [{status: running, for: 99999999999999999h}]}\n", "export_template.script[0].for", 6, 51),
        ])
    func durations(yaml: String, keyPath: String, line: Int, column: Int) throws {
        let error = try #require(rejection(Self.head + yaml))
        #expect(error.keyPath == keyPath)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.hasSuffix("is out of range; use a duration between 0s and 8784h"), "\(error)")
    }

    @Test("the longest duration loads")
    func longest() throws {
        let scenario = try SimulatorScenario(yaml: Self.head + "latency: 8784h\nfaults: {download_latency: 8783h60m}\n")
        #expect(scenario.latency == DurationText.maximum)
        #expect(scenario.faults.downloadLatency == DurationText.maximum)
    }

    @Test(
        "a size that is negative or beyond 1024GB is out of range",
        arguments: [
            "faults: {download_rate: 999999999999999999999GB}\n", "faults: {truncate_after: 99999999999999999999999}\n",
            "faults: {truncate_after: -5}\n", "faults: {download_rate: 1025GB}\n",
        ])
    func sizes(yaml: String) throws {
        let error = try #require(rejection(Self.head + yaml))
        #expect(error.line == 6)
        #expect(error.message.hasSuffix("is out of range; use a size between 0 and 1024GB (1099511627776 bytes)"), "\(error)")
    }

    @Test("a huge count is a located type error, not a crash")
    func counts() throws {
        let error = try #require(rejection(Self.head + "faults: {truncate_downloads: 99999999999999999999999}\n"))
        #expect(error.line == 6)
        #expect(error.keyPath == "faults.truncate_downloads")
    }

    @Test(
        "reader errors carry their real line and column",
        arguments: [
            ("project_id: p\ntokens: [t]\ntasks: [\u{7}]\n", 3, 9, "U+0007"),
            ("project_id: p\n# fine\n  x: \u{0}\n", 3, 6, "U+0000"),
        ])
    func readerErrors(yaml: String, line: Int, column: Int, character: String) throws {
        let error = try #require(rejection(yaml))
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.hasPrefix("invalid YAML: control characters are not allowed (\(character))"), "\(error)")
        #expect(error.description.hasPrefix("s.yaml:\(line):\(column): "))
    }
}
