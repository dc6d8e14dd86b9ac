import ExportPipeline
import ExportStageKit
import Foundation
import PrometheusTextfileStage
import Testing
import TestSupport

@Suite("prometheus-textfile options")
struct PrometheusTextfileOptionTests {
    struct BadOptions: CustomTestStringConvertible, Sendable {
        var values: [String: StageOptionValue]
        var option: String
        /// Fragments the error's text must contain: the bad value and the fix.
        var mentions: [String]
        var testDescription: String { values.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") }
    }

    static let badOptions: [BadOptions] = [
        .init(values: ["path": .string("out/hss.txt")], option: "path", mentions: ["hss.txt'", "*.prom", "'hss.prom'"]),
        .init(values: ["path": .string("hss")], option: "path", mentions: ["hss'", "'hss.prom'"]),
        .init(values: ["path": .string(".prom")], option: "path", mentions: ["'metrics.prom'"]),
        .init(values: ["path": .string("hss.prom.tmp")], option: "path", mentions: ["'hss.prom.prom'"]),
        .init(values: ["path": .string("a.prom"), "prefix": .string("hss-export")], option: "prefix", mentions: ["'hss-export'", "'hss_export'"]),
        .init(values: ["path": .string("a.prom"), "prefix": .string("9lives")], option: "prefix", mentions: ["'9lives'", "'_9lives'"]),
        .init(values: ["path": .string("a.prom"), "prefix": .string("")], option: "prefix", mentions: ["''", "'_'"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("job-name", "x")])], option: "extra_labels", mentions: ["'job-name'", "'job_name'"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("a:b", "x")])], option: "extra_labels", mentions: ["'a:b'", "'a_b'"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("__name__", "x")])], option: "extra_labels", mentions: ["'__name__'", "'name__'"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("task_id", "x")])], option: "extra_labels", mentions: ["'task_id' clashes", "'job_task_id'"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("outcome", "x")])], option: "extra_labels", mentions: ["'outcome' clashes"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("file_name", "x")])], option: "extra_labels", mentions: ["'file_name' clashes"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("le", "x")])], option: "extra_labels", mentions: ["'le'", "histograms"]),
        .init(values: ["path": .string("a.prom"), "extra_labels": .stringMap([.init("env", "a"), .init("env", "b")])], option: "extra_labels", mentions: ["'env' is given twice"]),
    ]

    @Test("well-typed but wrong values are rejected with the value and a fix", arguments: badOptions)
    func rejected(_ bad: BadOptions) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: StageOptionError.self) { try makeStage(bad.values, in: directory) }
        #expect(error.option == bad.option)
        #expect(error.fix != nil)
        for mention in bad.mentions {
            #expect(error.description.contains(mention), "\(error) should mention \(mention)")
        }
    }

    @Test("defaults and accepted values")
    func accepted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let defaults = try makeStage(["path": .string("sub/../hss.prom")], in: directory).configuration
        #expect(defaults.path == directory.file("hss.prom"))
        #expect(defaults.prefix == "hss_export")
        #expect(defaults.perTask)
        #expect(defaults.extraLabels.isEmpty)

        let custom = try makeStage(
            ["path": .string("/var/lib/node-exporter/hss.prom"), "prefix": .string("_hss:export_2"), "per_task": .bool(false),
             "extra_labels": .stringMap([.init("job_name", "nightly"), .init("_env2", "")])],
            in: directory
        ).configuration
        #expect(custom.path == "/var/lib/node-exporter/hss.prom")
        #expect(custom.prefix == "_hss:export_2")
        #expect(!custom.perTask)
        #expect(custom.extraLabels == [.init("job_name", "nightly"), .init("_env2", "")])
    }

    @Test("every option is declared with its kind and default")
    func declarations() {
        let options = Dictionary(uniqueKeysWithValues: PrometheusTextfileStage.options.map { ($0.name, $0) })
        #expect(PrometheusTextfileStage.typeName == "prometheus-textfile")
        #expect(options["path"]?.kind == .outputPath && options["path"]?.isRequired == true)
        #expect(options["prefix"]?.kind == .string && options["prefix"]?.defaultValue == .string("hss_export"))
        #expect(options["per_task"]?.kind == .bool && options["per_task"]?.defaultValue == .bool(true))
        #expect(options["extra_labels"]?.kind == .stringMap && options["extra_labels"]?.isRequired == false)
        #expect(options.count == 4)
    }
}
