import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// `sources:`: many named sources in one pipeline file, each with its own
/// tasks and exports, plus top-level exports made in every source.
@Suite struct MultiSourceLoaderTests {
    static let registry = StageRegistry([RecordingStage.self])

    func load(_ yaml: String, environment: [String: String] = [:]) throws -> Pipeline {
        try PipelineLoader(registry: Self.registry, environment: environment).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
    }

    func diagnostics(_ yaml: String) -> [String] {
        PipelineLoader(registry: Self.registry, environment: [:]).diagnostics(ofRejected: yaml)
    }

    static let export = """
          - kind: vulnerabilities
            category: host
            export_size: 10
            export_headers: [[name, Name]]
        """

    static let valid = """
        version: 1
        sources:
          - name: cn4-prod
            region: cn-north-4
            project_id: p-prod
            enterprise_project_id: "0"
            tasks: [t-1, {id: t-2, name: second}]
          - name: cn4-dev
            endpoint: http://127.0.0.1:8080
            request_timeout: 5s
            auth: {token: abc}
            exports:
              - kind: vulnerabilities
                name: dev-vuls
                category: host
                export_size: 10
                export_headers: [[name, Name]]
          - name: east.3_x
            region: cn-east-3
            tasks: [t-1]
        exports:
        \(export)
        stages:
          - type: record
        """

    @Test func loadsSourcesWithTheirTasksAndExportsInFileOrder() throws {
        let pipeline = try load(Self.valid)
        #expect(pipeline.isMultiSource)
        #expect(pipeline.sources.map(\.name) == ["cn4-prod", "cn4-dev", "east.3_x"])
        #expect(pipeline.sources.map(\.projectID) == ["p-prod", nil, nil])
        #expect(pipeline.sources[0].enterpriseProjectID == "0")
        #expect(pipeline.sources[1].endpoint == "http://127.0.0.1:8080")
        #expect(pipeline.sources[1].requestTimeout == .seconds(5))
        #expect(pipeline.sources[1].auth != .environment)
        #expect(pipeline.source.name == "cn4-prod")
        // The same task id in two projects is two tasks.
        #expect(
            pipeline.tasks == [TaskSpec(id: "t-1", source: 0), TaskSpec(id: "t-2", name: "second", source: 0), TaskSpec(id: "t-1", source: 2)])
        // Each source's own exports, then the top-level ones made in it.
        #expect(
            pipeline.exports.map(\.key) == ["cn4-prod/vulnerabilities", "cn4-dev/dev-vuls", "cn4-dev/vulnerabilities", "east.3_x/vulnerabilities"])
        #expect(pipeline.exports.map(\.source) == [0, 1, 1, 2])
        #expect(pipeline.exports.map(\.name) == ["vulnerabilities", "dev-vuls", "vulnerabilities", "vulnerabilities"])
        #expect(pipeline.sourceName(at: 2) == "east.3_x")
        #expect(pipeline.locations["sources[1].endpoint"] != nil)
        let stage = try #require(pipeline.stages.first?.stage as? RecordingStage)
        _ = stage
    }

    @Test func aSingleSourceIsUnchanged() throws {
        let pipeline = try load("version: 1\nsource: {region: r, project_id: p}\ntasks: [a]\nexports:\n\(Self.export)\nstages: [{type: record}]\n")
        #expect(!pipeline.isMultiSource)
        #expect(pipeline.sources.count == 1)
        #expect(pipeline.source.name == "")
        #expect(pipeline.sourceName(at: 0) == nil)
        #expect(pipeline.exports.map(\.key) == ["vulnerabilities"])
        #expect(pipeline.exports.first?.sourceName == nil)
    }

    @Test func projectIDIsOptional() throws {
        let pipeline = try load("version: 1\nsource: {region: cn-north-4}\ntasks: [a]\nstages: [{type: record}]\n")
        #expect(pipeline.source.projectID == nil)
    }

    @Test func sourceAndSourcesTogetherIsAnError() {
        let found = diagnostics(
            """
            version: 1
            source: {region: r}
            sources:
              - {name: a, region: r, tasks: [t]}
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:3:1: error: the file has both 'source' and 'sources'; keep one: move the single 'source:' into 'sources:' as an entry with a 'name', or remove 'sources:'"
            ])
    }

    @Test func topLevelTasksWithSourcesIsAnErrorWithAFix() {
        let found = diagnostics(
            """
            version: 1
            sources:
              - {name: a, region: r, tasks: [t]}
            tasks: [x]
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:4:1: error: top-level 'tasks' cannot be used with 'sources'; move the task ids under the source whose project they belong to ('tasks:' inside its 'sources' entry); a task id names a task of one project"
            ])
    }

    @Test func namesAreRequiredUniqueAndWellFormed() {
        let found = diagnostics(
            """
            version: 1
            sources:
              - {region: r, tasks: [t]}
              - {name: a, region: r, tasks: [t]}
              - {name: a, region: r, tasks: [t]}
              - {name: "b c", region: r, tasks: [t]}
              - {name: \(String(repeating: "x", count: 65)), region: r, tasks: [t]}
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:3:5: error: source 1 has no 'name'; add 'name: …' (letters, digits, '.', '_', '-'; records carry it as 'source'), e.g. 'name: cn4-prod'",
                "p.yaml:5:12: error: source name 'a' is used twice (also source 2); give each source its own 'name'",
                "p.yaml:6:12: error: source name 'b c' may hold only letters, digits, '.', '_' and '-'; rename it, e.g. 'b-c'",
                "p.yaml:7:12: error: source name 'xxxxxxxxxxxxxxxxxxxx…' is 65 characters, more than 64; use at most 64 characters",
            ])
    }

    @Test func entriesAreCheckedLikeASource() {
        let found = diagnostics(
            """
            version: 1
            sources:
              - name: a
                projct_id: p
                tasks: [t, t]
              - name: b
                region: r
              - not a mapping
              - name: c
                region: r
                exports:
                  - kind: vulnerabilites
            sources_x: 1
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:3:5: error: source 'a' needs 'region' or 'endpoint'; add 'region: cn-north-4' (or your region), or 'endpoint: https://…'",
                "p.yaml:4:5: error: unknown key 'projct_id' in 'sources' entry 1; did you mean 'project_id'?",
                "p.yaml:5:16: error: task 't' is listed twice; remove the duplicate",
                "p.yaml:6:5: error: source 'b' has no 'tasks' or 'exports', and there are no top-level 'exports'; add 'tasks:' or 'exports:' to the source, or top-level 'exports:' (made in every source), or remove the source",
                "p.yaml:8:5: error: 'sources' entry 3 must be a mapping of keys to values, not the value 'not a mapping'; write it as 'key: value' lines: "
                    + "'- name: cn4-prod' and below it, indented, 'region: cn-north-4' and the source's 'tasks:' or 'exports:'",
                "p.yaml:12:15: error: unknown export kind 'vulnerabilites'; did you mean 'vulnerabilities'? known kinds: "
                    + ExportKind.names.joined(separator: ", "),
                "p.yaml:13:1: error: unknown key 'sources_x' in the pipeline file; did you mean 'sources'?",
            ])
    }

    @Test func aTopLevelExportNamedLikeASourcesOwnIsAnError() {
        let found = diagnostics(
            """
            version: 1
            sources:
              - name: a
                region: r
                exports:
            \(Self.export.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
              - name: b
                region: r
            exports:
            \(Self.export)
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:13:5: error: export name 'vulnerabilities' of the top-level 'exports' is also an export of source 'a'; give one of them its own 'name' (export names are unique within a source)"
            ])
    }

    @Test func emptyOrWrongSourcesAreErrors() {
        #expect(
            diagnostics("version: 1\nsources: []\nstages: [{type: record}]\n") == [
                "p.yaml:2:10: error: 'sources' is an empty list; add a source, e.g. '- name: cn4-prod' with 'region: cn-north-4'"
            ])
        #expect(
            diagnostics("version: 1\nsources: {name: a}\nstages: [{type: record}]\n") == [
                "p.yaml:2:10: error: 'sources' must be a list of sources, not a mapping; write '- name: cn4-prod' entries, each with region or endpoint and its tasks or exports"
            ])
    }
}
