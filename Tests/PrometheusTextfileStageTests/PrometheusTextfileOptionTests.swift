import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

@Suite("prometheus-textfile options")
struct PrometheusTextfileOptionTests {
    struct BadOptions: CustomTestStringConvertible, Sendable {
        /// The stage's options, as in a pipeline file.
        var options: String
        var option: String
        /// Fragments the error's text must contain: the bad value and the fix.
        var mentions: [String]
        var testDescription: String { options.replacingOccurrences(of: "\n", with: " ") }
    }

    static let badOptions: [BadOptions] = [
        .init(options: "path: out/hss.txt", option: "path", mentions: ["hss.txt'", "*.prom", "'hss.prom'"]),
        .init(options: "path: hss", option: "path", mentions: ["hss'", "'hss.prom'"]),
        .init(options: "path: .prom", option: "path", mentions: ["'metrics.prom'"]),
        .init(options: "path: hss.prom.tmp", option: "path", mentions: ["'hss.prom.prom'"]),
        .init(options: "path: a.prom\nprefix: hss-export", option: "prefix", mentions: ["'hss-export'", "'hss_export'"]),
        .init(options: "path: a.prom\nprefix: 9lives", option: "prefix", mentions: ["'9lives'", "'_9lives'"]),
        .init(options: #"path: a.prom\#nprefix: """#, option: "prefix", mentions: ["''", "'_'"]),
        .init(options: "path: a.prom\nextra_labels: {job-name: x}", option: "extra_labels", mentions: ["'job-name'", "'job_name'"]),
        .init(options: #"path: a.prom\#nextra_labels: {"a:b": x}"#, option: "extra_labels", mentions: ["'a:b'", "'a_b'"]),
        .init(options: "path: a.prom\nextra_labels: {__name__: x}", option: "extra_labels", mentions: ["'__name__'", "'name__'"]),
        .init(options: "path: a.prom\nextra_labels: {task_id: x}", option: "extra_labels", mentions: ["'task_id' clashes", "'job_task_id'"]),
        .init(options: "path: a.prom\nextra_labels: {outcome: x}", option: "extra_labels", mentions: ["'outcome' clashes"]),
        .init(options: "path: a.prom\nextra_labels: {file_name: x}", option: "extra_labels", mentions: ["'file_name' clashes"]),
        .init(options: "path: a.prom\nextra_labels: {le: x}", option: "extra_labels", mentions: ["'le'", "histograms"]),
        // YAML refuses a key written twice; a tag makes the second one another
        // key to the parser, while the loader reads keys by their text, so a
        // repeated name can still reach the stage, which must refuse it.
        .init(options: "path: a.prom\nextra_labels: {env: a, !label env: b}", option: "extra_labels", mentions: ["'env' is given twice"]),
    ]

    /// A harness that builds as `hss-export validate` does: the directories
    /// named in the options need not exist here.
    func validatingHarness(in directory: TemporaryDirectory) throws -> StageHarness<PrometheusTextfileStage> {
        var harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
        harness.isForRun = false
        return harness
    }

    @Test("well-typed but wrong values are rejected with the value and a fix", arguments: badOptions)
    func rejected(_ bad: BadOptions) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let refusal = try #require(throws: StageHarnessError.self) { try validatingHarness(in: directory).build(bad.options) }
        let error = try #require(refusal.stageError as? StageOptionError, "refused by the loader, not the stage: \(refusal)")
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
        let harness = try validatingHarness(in: directory)
        let defaults = try harness.build("path: sub/../hss.prom").configuration
        #expect(defaults.path == directory.file("hss.prom"))
        #expect(defaults.prefix == "hss_export")
        #expect(defaults.perTask)
        #expect(defaults.extraLabels.isEmpty)

        let custom = try harness.build(
            #"""
            path: /var/lib/node-exporter/hss.prom
            prefix: "_hss:export_2"
            per_task: false
            extra_labels: {job_name: nightly, _env2: ""}
            """#
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
