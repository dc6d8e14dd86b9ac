import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// `exports:` through the real loader: entries become requests, and every
/// problem is reported at its line and column with its fix.
@Suite struct PipelineExportsTests {
    static let registry = StageRegistry([RecordingStage.self])

    /// Six lines before `exports:`, so the first entry is on line 7.
    static let header = """
        version: 1
        source: {region: cn-north-4, project_id: p1}
        stages:
          - type: record
            path: out.txt
        exports:

        """

    func load(_ exports: String, environment: [String: String] = [:]) throws(PipelineLoadError) -> Pipeline {
        try PipelineLoader(registry: Self.registry, environment: environment).load(
            yaml: Self.header + exports, file: "p.yaml", baseDirectory: "/tmp")
    }

    func diagnostics(_ exports: String, environment: [String: String] = [:]) -> [String] {
        PipelineLoader(registry: Self.registry, environment: environment).diagnostics(ofRejected: Self.header + exports)
    }

    static let headers = [ExportParameterValue.Header("vul_name", "Vulnerability"), .init("cve_ids", "CVE")]

    // MARK: Entries that load

    @Test func theAcceptanceExampleBecomesTheSDKsRequest() throws {
        let pipeline = try load(
            """
              - kind: vulnerabilities
                category: vul
                export_size: 1000
                export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
            """)
        let kind = try #require(ExportKind.named("vulnerabilities"))
        let values: [String: ExportParameterValue] = [
            "category": .string("vul"), "export_size": .integer(1000), "export_headers": .headers(Self.headers),
        ]
        #expect(pipeline.exports == [kind.spec(named: "vulnerabilities", values: values)])
        let spec = try #require(pipeline.exports.first)
        #expect(spec.creation.operation == "ExportVuls")
        #expect(spec.creation.pathSegments == ["vul", "export"])
        #expect(spec.creation.query == [.init(name: "export_size", value: "1000"), .init(name: "category", value: "vul")])
        #expect(spec.creation.body.serialized == #"{"export_headers":[["vul_name","Vulnerability"],["cve_ids","CVE"]]}"#)
        #expect(pipeline.tasks.isEmpty)
        #expect(pipeline.locations["exports.vulnerabilities"] == .init(line: 7, column: 5))
    }

    @Test func namesDefaultToTheKindNumberedForRepeatsAndSkipGivenNames() throws {
        let pipeline = try load(
            """
              - kind: operational-report
                report_id: 2024-05
              - kind: operational-report
                report_id: 2024-06
              - kind: operational-report
                name: operational-report-3
                report_id: 2024-07
              - kind: operational-report
                report_id: 2024-08
              - kind: events
                name: Nightly_events.v2
                category: host
                event_id: 123
                last_days: 1
            """)
        #expect(
            pipeline.exports.map(\.name) == [
                "operational-report", "operational-report-2", "operational-report-3", "operational-report-4", "Nightly_events.v2",
            ])
        #expect(pipeline.exports.map(\.kind) == ["operational-report", "operational-report", "operational-report", "operational-report", "events"])
        #expect(
            pipeline.exports[1].creation.body.serialized == #"{"type":"operational-report","operational_report_data":{"report_id":"2024-06"}}"#)
        #expect(Set(pipeline.exports.map(\.fingerprint)).count == 5)
        // YAML would read 123 as a number; the API takes text, and gets the text as written.
        #expect(pipeline.exports[4].creation.query.contains(.init(name: "event_id", value: "123")))
        #expect(pipeline.exports[4].creation.body == .null)
        #expect(pipeline.locations["exports.operational-report-4"] == .init(line: 14, column: 5))
    }

    @Test func valuesAreInterpolatedAndListsRead() throws {
        let pipeline = try load(
            """
              - kind: events
                category: ${CATEGORY:-host}
                event_id: ${EVENT}
                begin_time: ${BEGIN}
                end_time: 1715731200000
                event_types: [1001, "4002"]
                severity_list: [High, Critical]
                auto_block: ${BLOCK:-TRUE}
                export_headers:
                  - [event_name, Alarm]
                  - [severity, "${TITLE}"]
            """, environment: ["EVENT": "e1", "BEGIN": "1715644800000", "TITLE": "Severity"])
        let spec = try #require(pipeline.exports.first)
        #expect(
            spec.creation.query == [
                .init(name: "event_types", value: "1001"), .init(name: "event_types", value: "4002"), .init(name: "category", value: "host"),
                .init(name: "begin_time", value: "1715644800000"), .init(name: "end_time", value: "1715731200000"),
                .init(name: "severity_list", value: "High"), .init(name: "severity_list", value: "Critical"),
                .init(name: "auto_block", value: "true"), .init(name: "event_id", value: "e1"),
            ])
        #expect(spec.creation.body.serialized == #"[["event_name","Alarm"],["severity","Severity"]]"#)
    }

    // MARK: Diagnostics, each at its line and column

    @Test func theSectionMustBeANonEmptyList() {
        #expect(
            diagnostics("  kind: vulnerabilities\n") == [
                "p.yaml:7:3: error: 'exports' must be a list of exports, not a mapping; "
                    + "write '- kind: vulnerabilities' entries with their parameters below"
            ])
        #expect(
            diagnostics("  []\n") == [
                "p.yaml:7:3: error: 'exports' is an empty list; "
                    + "add an export, e.g. '- kind: vulnerabilities' with category, export_size and export_headers, or remove the key"
            ])
    }

    @Test func entriesNeedAKnownKind() {
        #expect(
            diagnostics(
                """
                  - vulnerabilities
                  - category: vul
                  - kind: vulnerabilites
                  - kind: reports
                """) == [
                    "p.yaml:7:5: error: export 1 must be a mapping with 'kind' and its parameters, not the value 'vulnerabilities'; "
                        + "write '- kind: vulnerabilities' and the parameters below it",
                    "p.yaml:8:5: error: export 2 has no 'kind'; add 'kind:' with one of vulnerabilities, events, assets, baseline, containers, "
                        + "operational-report, handled-vulnerabilities, vulnerability-handle-history, web-tamper-hosts",
                    "p.yaml:9:11: error: unknown export kind 'vulnerabilites'; did you mean 'vulnerabilities'? known kinds: vulnerabilities, "
                        + "events, assets, baseline, containers, operational-report, handled-vulnerabilities, vulnerability-handle-history, "
                        + "web-tamper-hosts",
                    "p.yaml:10:11: error: unknown export kind 'reports'; known kinds: vulnerabilities, events, assets, baseline, containers, "
                        + "operational-report, handled-vulnerabilities, vulnerability-handle-history, web-tamper-hosts",
                ])
    }

    @Test func unknownKeysNameTheAllowedOnes() {
        #expect(
            diagnostics(
                """
                  - kind: operational-report
                    report_id: 2024-05
                    reportid: 2024-06
                    colour: blue
                """) == [
                    "p.yaml:9:5: error: unknown key 'reportid' in export 'operational-report'; did you mean 'report_id'?",
                    "p.yaml:10:5: error: unknown key 'colour' in export 'operational-report'; valid keys are 'kind', 'name', 'type', 'report_id'",
                ])
    }

    @Test func missingRequiredParametersAreNamedWithAnExample() {
        #expect(
            diagnostics(
                """
                  - kind: vulnerabilities
                    export_size: 1000
                  - kind: assets
                    name: ports
                    asset_type: port
                """) == [
                    "p.yaml:7:11: error: export 'vulnerabilities' needs 'category'; add 'category: vul' (one of vul, host)",
                    "p.yaml:7:11: error: export 'vulnerabilities' needs 'export_headers'; "
                        + "add 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]' (a list of [field, title] pairs)",
                    "p.yaml:9:11: error: export 'ports' needs 'category'; add 'category: host' (one of host, container)",
                    "p.yaml:9:11: error: export 'ports' needs 'export_headers'; "
                        + "add 'export_headers: [[host_name, Host], [port, Port]]' (a list of [field, title] pairs)",
                ])
    }

    @Test func wrongTypesChoicesAndRanges() {
        #expect(
            diagnostics(
                """
                  - kind: vulnerabilities
                    category: vull
                    export_size: many
                    export_headers: [[vul_name, Vulnerability]]
                    vul_id_list: v1
                  - kind: baseline
                    export_size: 300000
                    export_headers: [[check_name, Check]]
                  - kind: events
                    category: host
                    event_id: [e1]
                    auto_block: yes
                    event_types: [1001, web]
                """) == [
                    "p.yaml:8:15: error: 'category' of export 'vulnerabilities' must be one of vul, host, not 'vull'; "
                        + "did you mean 'vul'? write one of vul, host",
                    "p.yaml:9:18: error: 'export_size' of export 'vulnerabilities' must be an integer, not 'many'; "
                        + "write a whole number, e.g. 'export_size: 1000'",
                    "p.yaml:11:18: error: 'vul_id_list' of export 'vulnerabilities' must be a list, not the value 'v1'; write 'vul_id_list: [a, b]'",
                    "p.yaml:13:18: error: 'export_size' of export 'baseline' is 300000, outside 1...200000; use a value between 1 and 200000",
                    "p.yaml:17:15: error: 'event_id' must be a single value, not a list; write 'event_id: <value>'",
                    "p.yaml:18:17: error: 'auto_block' must be true or false, not 'yes'; write 'auto_block: true' or 'auto_block: false'",
                    "p.yaml:19:25: error: element 2 of 'event_types' of export 'events' must be an integer, not 'web'; "
                        + "write whole numbers, e.g. [1001, 4002]",
                ])
    }

    @Test func exportHeadersMustBeANonEmptyListOfPairs() {
        let fix = "write each element as [field, title], e.g. 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]'"
        #expect(
            diagnostics(
                """
                  - kind: vulnerabilities
                    name: a
                    category: vul
                    export_size: 10
                    export_headers: vul_name
                  - kind: vulnerabilities
                    name: b
                    category: vul
                    export_size: 10
                    export_headers: []
                  - kind: vulnerabilities
                    name: c
                    category: vul
                    export_size: 10
                    export_headers:
                      - [vul_name, Vulnerability]
                      - [cve_ids, CVE, extra]
                      - cve_ids
                      - [severity, ""]
                """) == [
                    "p.yaml:11:21: error: 'export_headers' of export 'a' must be a list, not the value 'vul_name'; "
                        + "write 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]'",
                    "p.yaml:16:21: error: 'export_headers' of export 'b' is an empty list; "
                        + "list at least one value, e.g. 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]', or remove the key",
                    "p.yaml:23:9: error: element 2 of 'export_headers' of export 'c' must be a [field, title] pair, not a list of 3; \(fix)",
                    "p.yaml:24:9: error: element 3 of 'export_headers' of export 'c' must be a [field, title] pair, not the value 'cve_ids'; \(fix)",
                    "p.yaml:25:9: error: element 4 of 'export_headers' of export 'c' has an empty title; "
                        + "write each element as [field, title], both non-empty, e.g. [vul_name, Vulnerability]",
                ])
        #expect(
            diagnostics(
                """
                  - kind: vulnerabilities
                    category: vul
                    export_size: 10
                    export_headers: [[vul_name, Vulnerability], [severity, ""]]
                """) == [
                    "p.yaml:10:49: error: element 2 of 'export_headers' of export 'vulnerabilities' has an empty title; "
                        + "write each element as [field, title], both non-empty, e.g. [vul_name, Vulnerability]"
                ])
    }

    @Test func eventTimeRanges() {
        #expect(
            diagnostics(
                """
                  - kind: events
                    name: both
                    category: host
                    event_id: e1
                    last_days: 7
                    begin_time: 1715644800000
                    end_time: 1715731200000
                  - kind: events
                    name: open
                    category: host
                    event_id: e1
                    begin_time: 1715644800000
                  - kind: events
                    name: backwards
                    category: host
                    event_id: e1
                    begin_time: 1715731200000
                    end_time: 1715644800000
                  - kind: events
                    name: long
                    category: host
                    event_id: e1
                    begin_time: 1715644800000
                    end_time: 1715904000000
                  - kind: events
                    name: seconds
                    category: host
                    event_id: e1
                    begin_time: 1715644800
                    end_time: 1715731200000
                """) == [
                    "p.yaml:12:17: error: 'begin_time' cannot be used together with 'last_days' in export 'both'; "
                        + "keep one of 'last_days' and 'begin_time'",
                    "p.yaml:18:17: error: 'begin_time' of export 'open' is set without 'end_time'; "
                        + "add 'end_time: 1715731200000' or remove 'begin_time'",
                    "p.yaml:24:15: error: 'end_time' (1715644800000) of export 'backwards' is not after 'begin_time' (1715731200000); "
                        + "make 'end_time' later than 'begin_time' (both epoch milliseconds)",
                    "p.yaml:30:15: error: 'begin_time' and 'end_time' of export 'long' are 72h apart, more than 48h; "
                        + "HSS exports at most 48h at a time: shorten the range or split it into several exports",
                    "p.yaml:35:17: error: 'begin_time' of export 'seconds' is 1715644800, which looks like seconds, not milliseconds; "
                        + "write epoch milliseconds: 1715644800000",
                ])
    }

    @Test func searchParamIsShortJSON() {
        let long = String(repeating: "a", count: 120)
        #expect(
            diagnostics(
                """
                  - kind: assets
                    name: long
                    asset_type: port
                    category: host
                    search_param: '{"port_string": "\(long)"}'
                    export_headers: [[port, Port]]
                  - kind: assets
                    name: text
                    asset_type: port
                    category: host
                    search_param: port 8080
                    export_headers: [[port, Port]]
                """) == [
                    "p.yaml:11:19: error: 'search_param' of export 'long' is 139 characters, more than 128; shorten it to at most 128 characters",
                    "p.yaml:17:19: error: 'search_param' of export 'text' must be a JSON object, not 'port 8080'; "
                        + #"write JSON text in single quotes, e.g. '{"port_string": "8080"}'"#,
                ])
    }

    @Test func namesAreCheckedAndUnique() {
        #expect(
            diagnostics(
                """
                  - kind: operational-report
                    name: monthly
                    report_id: 2024-05
                  - kind: operational-report
                    name: monthly
                    report_id: 2024-06
                  - kind: operational-report
                    name: monthly report
                    report_id: 2024-07
                  - kind: operational-report
                    name: \(String(repeating: "x", count: 65))
                    report_id: 2024-08
                """) == [
                    "p.yaml:11:11: error: export name 'monthly' is used twice; give each export its own 'name'",
                    "p.yaml:14:11: error: export name 'monthly report' may hold only letters, digits, '.', '_' and '-'; "
                        + "rename it, e.g. 'monthly-report'",
                    "p.yaml:17:11: error: export name 'xxxxxxxxxxxxxxxxxxxx…' is 65 characters, more than 64; use at most 64 characters",
                ])
    }

    @Test func everyProblemOfAFileIsReportedAtOnce() {
        #expect(
            diagnostics(
                """
                  - kind: vulnerabilities
                    category: vul
                    export_size: 0
                    export_headres: [[vul_name, Vulnerability]]
                  - kind: events
                    category: ${MISSING}
                    event_id: e1
                    last_days: 1
                    begin_time: 1715644800000
                    end_time: 1715648400000
                    severity: Hig
                """) == [
                    "p.yaml:7:11: error: export 'vulnerabilities' needs 'export_headers'; "
                        + "add 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]' (a list of [field, title] pairs)",
                    "p.yaml:9:18: error: 'export_size' of export 'vulnerabilities' is 0, less than 1; use 1 or more",
                    "p.yaml:10:5: error: unknown key 'export_headres' in export 'vulnerabilities'; did you mean 'export_headers'?",
                    "p.yaml:12:15: error: environment variable 'MISSING' used by 'category' is not set; export MISSING=… or write ${MISSING:-default}",
                    "p.yaml:15:17: error: 'begin_time' cannot be used together with 'last_days' in export 'events'; "
                        + "keep one of 'last_days' and 'begin_time'",
                    "p.yaml:17:15: error: 'severity' of export 'events' must be one of Security, Low, Medium, High, Critical, not 'Hig'; "
                        + "did you mean 'High'? write one of Security, Low, Medium, High, Critical",
                ])
    }
}
