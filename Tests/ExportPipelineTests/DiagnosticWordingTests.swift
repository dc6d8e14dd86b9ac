import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// Diagnostics that show the fix instead of restating the rule: no "between
/// 1 and 1", and every "must be a mapping" says what to write.
@Suite struct DiagnosticWordingTests {
    static let registry = StageRegistry([RecordingStage.self])

    func diagnostics(_ yaml: String) -> [String] {
        PipelineLoader(registry: Self.registry, environment: [:]).diagnostics(ofRejected: yaml)
    }

    static func file(version: String = "1", wait: String = "", source: String = "  region: cn-north-4\n  project_id: p") -> String {
        """
        version: \(version)
        source:
        \(source)
        tasks: [t-1]
        wait:
          timeout: 15m
        \(wait)
        stages:
          - type: record
            path: out/a.txt
        """
    }

    // In a flow mapping (`{type: jsonl, path: -}`) YAML reads the dash as a string, so only the block form fails.
    @Test(arguments: ["    path: -", "    path: -   # stdout"])
    func aBareDashPathIsAYAMLErrorWhoseFixIsToQuoteIt(line: String) {
        let yaml = Self.file().replacingOccurrences(of: "  - type: record\n    path: out/a.txt", with: "  - type: record\n" + line)
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(found.first?.hasSuffix("; to write a stage to stdout, quote the dash: path: \"-\" (a bare - starts a YAML list)") == true, "\(found)")
    }

    /// Found by the fuzzer: YAML counts a bare CR as a line break, so its error
    /// lay on a line the hint's newline split did not have, and the hint trapped.
    @Test(arguments: ["\r", "\r\n", "\n"])
    func aYAMLErrorPastTheLastNewlineIsADiagnosticNotACrash(lineBreak: String) {
        let yaml =
            (["version: 1", "source: {region: r}", "tasks: [t]", "wait:", "  timeout: [", "stages:"]).joined(separator: lineBreak) + lineBreak
            + "  - path: -"
        let found = diagnostics(yaml)
        #expect(found.count == 1, "\(found)")
    }

    @Test func aNewerVersionSaysThisBuildReadsVersionOne() {
        let found = diagnostics(Self.file(version: "2"))
        #expect(
            found == [
                "p.yaml:1:10: error: this hss-export reads pipeline files of version 1 only, not version 2; write 'version: 1' and the keys "
                    + "docs/pipeline-file.md describes; a file written for a newer hss-export needs that release (hss-export --version shows this one)"
            ])
        #expect(!found.joined().contains("between 1 and 1"))
    }

    @Test func aVersionThatIsNoNumberAsksForOne() {
        #expect(diagnostics(Self.file(version: "one")) == ["p.yaml:1:10: error: 'version' must be a whole number, not 'one'; write 'version: 1'"])
        #expect(diagnostics(Self.file(version: "0")).first?.contains("version 1 only, not version 0") == true)
    }

    @Test(arguments: ["rate_limit", "create_rate_limit", "download_rate_limit"])
    func theCommandLinesRateLimitFormShowsTheMappingWithTheSameBudget(key: String) {
        #expect(
            diagnostics(Self.file(wait: "  \(key): 5/1m")) == [
                "p.yaml:8:\(key.count + 5): error: 'wait.\(key)' must be a mapping with 'requests' and 'per', not the value '5/1m'; "
                    + "write '\(key): {requests: 5, per: 1m}' (at most 5 requests in any 1m)"
            ])
        #expect(diagnostics(Self.file(wait: "  \(key): 20/30s")).first?.contains("write '\(key): {requests: 20, per: 30s}'") == true)
    }

    @Test func anotherRateLimitValueShowsTheDefaultBudgetAsTheExample() {
        #expect(
            diagnostics(Self.file(wait: "  rate_limit: [5, 1m]")) == [
                "p.yaml:8:15: error: 'wait.rate_limit' must be a mapping with 'requests' and 'per', not a list; "
                    + "write 'rate_limit: {requests: 5, per: 1m}' (at most 5 requests in any 1m)"
            ])
    }

    @Test func theMappingFormStillWorks() throws {
        let pipeline = try PipelineLoader(registry: Self.registry, environment: [:]).load(
            yaml: Self.file(wait: "  rate_limit: {requests: 7, per: 2m}"), file: "p.yaml", baseDirectory: "/tmp")
        #expect(pipeline.wait.rateLimit.requests == 7)
        #expect(pipeline.wait.rateLimit.period == .seconds(120))
    }

    @Test func sectionsThatAreNoMappingShowWhatToWrite() {
        #expect(
            diagnostics(Self.file(wait: "").replacingOccurrences(of: "wait:\n  timeout: 15m\n", with: "wait: 15m\n")) == [
                "p.yaml:6:7: error: 'wait' must be a mapping of keys to values, not the value '15m'; write it as 'key: value' lines: "
                    + "'wait:' and below it, indented, e.g. 'timeout: 30m' and 'rate_limit: {requests: 5, per: 1m}'"
            ])
        #expect(
            diagnostics(Self.file(source: "  - cn-north-4")) == [
                "p.yaml:3:3: error: 'source' must be a mapping of keys to values, not a list; write it as 'key: value' lines: "
                    + "'source:' and below it, indented, 'region: cn-north-4' (or 'endpoint: https://…') and 'project_id: …'"
            ])
        #expect(
            diagnostics("- version: 1\n") == [
                "p.yaml:1:1: error: the pipeline file must be a mapping of keys to values, not a list; write it as 'key: value' lines: "
                    + "'version: 1', then the 'source:', 'tasks:' and 'stages:' sections"
            ])
    }

    @Test func aMappingWithoutAnExampleNamesItsKeys() {
        let found = diagnostics(Self.file() + "\nstate: /var/lib/hss-export\n")
        #expect(
            found == [
                "p.yaml:12:8: error: 'state' must be a mapping of keys to values, not the value '/var/lib/hss-export'; "
                    + "write it as indented 'key: value' lines below it; its keys: dir, keep"
            ])
    }

    /// No diagnostic of the loader offers a "range" of one value.
    @Test func noFixOffersARangeOfOneValue() {
        for yaml in [Self.file(version: "2"), Self.file(version: "1.5"), Self.file(version: "99999999999999999999")] {
            for line in diagnostics(yaml) {
                #expect(!line.contains("between 1 and 1;") && !line.contains("between 1 and 1\n") && !line.hasSuffix("between 1 and 1"), "\(line)")
            }
        }
    }
}
