import ExportStageKit
import Foundation
import HSSSimulator
import Testing
import Yams

@Suite("Scenario keys for exports, faults and per-API limits")
struct ExportScenarioTests {
    @Test("the keys load with their defaults and spellings")
    func loads() throws {
        let loaded = try scenario(
            tasks: "  []",
            extra: """
                rate_limits: {create: {requests: 2, per: 1m}, download: {requests: 3}}
                export_template:
                  script: [{status: running, for: 1s}, {status: success}]
                  file_name: "hss-vul-vul-zh-{n}.zip"
                  archive: {bytes: 200MB}
                export_templates:
                  ExportVuls: {archive: {entry_names: ["../evil.csv", "ok.csv"], rows: 3}}
                faults: {truncate_downloads: 2, truncate_after: 1KB, create_latency: 500ms, download_latency: 1s, download_rate: 1MB}
                """)
        #expect(loaded.rateLimits.create == .init(requests: 2, per: .seconds(60)))
        #expect(loaded.rateLimits.download == .init(requests: 3, per: .seconds(60)))
        #expect(loaded.rateLimits.query == nil)
        #expect(loaded.exportTemplate?.archive == .init(bytes: 200 * 1024 * 1024))
        #expect(loaded.exportTemplate?.fileName == "hss-vul-vul-zh-{n}.zip")
        #expect(loaded.exportTemplates.keys.sorted() == ["vulnerabilities"])
        #expect(loaded.exportTemplates["vulnerabilities"]?.archive == .init(rows: 3, entryNames: ["../evil.csv", "ok.csv"]))
        #expect(
            loaded.faults
                == .init(
                    truncateDownloads: 2, truncateAfter: 1024, createLatency: .milliseconds(500), downloadLatency: .seconds(1),
                    downloadRate: 1024 * 1024))
        let yaml = try YAMLEncoder().encode(loaded)
        #expect(try SimulatorScenario(yaml: yaml) == loaded)
        #expect(yaml.contains("bytes: 200MB"))
    }

    @Test("the default scenario has a quick export template and its four tasks")
    func defaultTemplate() {
        let scenario = SimulatorScenario.default
        #expect(scenario.tasks.count == 4)
        #expect(scenario.exportTemplate?.script == [.init(.status("running"), length: .polls(2)), .init(.status("success"))])
        #expect(scenario.exportTemplate?.archive == .init(entries: 2, rows: 40))
    }

    static let header = "project_id: p\ntokens: [t]\n"

    @Test(
        "mistakes in the new keys name the key and the fix",
        arguments: [
            ("export_template: {file_nam: x}\n", "export_template.file_nam", "did you mean 'file_name'?"),
            ("export_template: {script: []}\n", "export_template.script", "at least one step"),
            ("export_template: {archive: {rows: 1, bytes: 1MB}}\n", "export_template.archive", "both 'rows' and 'bytes'"),
            ("export_template: {archive: {bytes: 20XB}}\n", "export_template.archive.bytes", "bad size '20XB'"),
            ("export_template: {archive: {bytes: 5GB}}\n", "export_template.archive.bytes", "no Zip64"),
            ("export_template: {archive: {entries: 3, entry_names: [a, b]}}\n", "export_template.archive.entries", "entry_names lists 2"),
            ("export_template: {archive: {entries: 0}}\n", "export_template.archive.entries", "from 1 to"),
            ("export_templates: {vulns: {}}\n", "export_templates.vulns", "unknown export kind 'vulns'"),
            ("export_templates: {vulnerabilities: {}, ExportVuls: {}}\n", "export_templates", "names the same kind"),
            ("faults: {truncate_afer: 1}\n", "faults.truncate_afer", "did you mean 'truncate_after'?"),
            ("faults: {truncate_downloads: -1}\n", "faults.truncate_downloads", "must not be negative"),
            ("faults: {create_latency: soon}\n", "faults.create_latency", "bad duration"),
            ("rate_limits: {creates: {requests: 1}}\n", "rate_limits.creates", "did you mean 'create'?"),
            ("rate_limits: {query: {requests: 0}}\n", "rate_limits.query.requests", "at least 1"),
        ])
    func errors(yaml: String, keyPath: String, message: String) throws {
        let error = try #require(throws: SimulatorScenarioError.self) {
            try SimulatorScenario(yaml: Self.header + yaml, sourceName: "bad.yaml")
        }
        #expect(error.keyPath.hasPrefix(keyPath), "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.line == 3, "\(error)")
    }
}
