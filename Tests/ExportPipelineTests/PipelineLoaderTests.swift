import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

@Suite struct PipelineLoaderTests {
    static let registry = StageRegistry([RecordingStage.self])

    func load(_ yaml: String, environment: [String: String] = [:], forRun: Bool = false, base: String = "/tmp") throws -> Pipeline {
        try PipelineLoader(registry: Self.registry, environment: environment, isForRun: forRun).load(yaml: yaml, file: "p.yaml", baseDirectory: base)
    }

    func diagnostics(_ yaml: String, environment: [String: String] = [:], forRun: Bool = false, base: String = "/tmp") -> [String] {
        PipelineLoader(registry: Self.registry, environment: environment, isForRun: forRun).diagnostics(ofRejected: yaml, baseDirectory: base)
    }

    static let valid = """
        version: 1
        source:
          region: cn-north-4
          project_id: ${PROJECT:-p-default}
          enterprise_project_id: "0"
        tasks:
          - 0123
          - 1e5
          - id: t-3
            name: third
        wait:
          initial_interval: 500ms
          max_interval: 1m
          multiplier: 1.5
          jitter: 0.1
          timeout: 15m
          concurrency: 2
          rate_limit: {requests: 5, per: 1m}
        stages:
          - type: record
            path: out/a.txt
            mode: append
            count: 3
            flag: true
            interval: 2s
            columns: [task_id, outcome]
            labels: {job: nightly}
        """

    @Test func loadsEverySectionWithTypesAndDefaults() throws {
        let pipeline = try load(Self.valid)
        #expect(pipeline.version == 1)
        #expect(pipeline.source.region == "cn-north-4")
        #expect(pipeline.source.projectID == "p-default")
        #expect(pipeline.source.enterpriseProjectID == "0")
        #expect(pipeline.source.auth == .environment)
        #expect(pipeline.tasks == [TaskSpec(id: "0123"), TaskSpec(id: "1e5"), TaskSpec(id: "t-3", name: "third")])
        #expect(pipeline.wait.initialInterval == .milliseconds(500))
        #expect(pipeline.wait.maxInterval == .seconds(60))
        #expect(pipeline.wait.multiplier == 1.5)
        #expect(pipeline.wait.timeout == .seconds(900))
        #expect(pipeline.wait.concurrency == 2)
        #expect(pipeline.wait.rateLimit == .init(requests: 5, per: .seconds(60)))
        let stage = try #require(pipeline.stages.first?.stage as? RecordingStage)
        #expect(stage.options.string("path") == "/tmp/out/a.txt")
        #expect(stage.options.string("mode") == "append")
        #expect(stage.options.integer("count") == 3)
        #expect(stage.options.bool("flag") == true)
        #expect(stage.options.duration("interval") == .seconds(2))
        #expect(stage.options.stringList("columns") == ["task_id", "outcome"])
        #expect(stage.options.stringMap("labels") == [.init("job", "nightly")])
        #expect(pipeline.stages.first?.outputPaths == ["/tmp/out/a.txt"])
        #expect(pipeline.sha256.count == 64)
    }

    @Test func interpolatesAfterParsingSoValuesCannotInjectYAML() throws {
        let pipeline = try load(Self.valid, environment: ["PROJECT": "p1\nstages: []"])
        #expect(pipeline.source.projectID == "p1\nstages: []")
        #expect(pipeline.stages.count == 1)
    }

    @Test func jsonIsAcceptedBecauseItIsYAML() throws {
        let pipeline = try load(
            #"{"version": 1, "source": {"endpoint": "http://127.0.0.1:8080", "project_id": "p"}, "tasks": ["a"], "stages": [{"type": "record"}]}"#)
        #expect(pipeline.source.endpoint == "http://127.0.0.1:8080")
        #expect(pipeline.tasks.map(\.id) == ["a"])
    }

    @Test func reportsEveryProblemAtOnceWithLocationsAndFixes() {
        let found = diagnostics(
            """
            version: 1
            source:
              region: cn-north-4
              projct_id: p
            tasks: [a, a]
            wait:
              timeout: 10 minutes
              concurrency: many
            stages:
              - type: record
                pth: x
              - type: jsnl
            """)
        #expect(
            found == [
                "p.yaml:4:3: error: unknown key 'projct_id' in 'source'; did you mean 'project_id'?",
                "p.yaml:5:12: error: task 'a' is listed twice; remove the duplicate",
                "p.yaml:7:12: error: 'timeout' must be a duration, not '10 minutes'; write a number with a unit: 500ms, 30s, 15m or 2h",
                "p.yaml:8:16: error: 'concurrency' must be an integer, not 'many'; write a whole number between 1 and 64",
                "p.yaml:11:5: error: unknown key 'pth' in stage 'record'; did you mean 'path'?",
                "p.yaml:12:11: error: unknown stage type 'jsnl'; known types: record (hss-export stages lists them)",
            ])
    }

    @Test func missingVariableIsLocatedAndNamed() {
        let found = diagnostics(
            """
            version: 1
            source: {region: r, project_id: "${HSS_PROJECT}"}
            tasks: [a]
            stages: [{type: record}]
            """)
        #expect(
            found == [
                "p.yaml:2:33: error: environment variable 'HSS_PROJECT' used by 'project_id' is not set; export HSS_PROJECT=… or write ${HSS_PROJECT:-default}"
            ])
    }

    @Test func optionTypesAreChecked() {
        let found = diagnostics(
            """
            version: 1
            source: {region: r, project_id: p}
            tasks: [a]
            stages:
              - type: record
                mode: apend
                count: 11
                flag: yes
                columns: task_id
                labels: [a]
            """)
        #expect(
            found == [
                "p.yaml:6:11: error: 'mode' of stage 'record' must be one of overwrite, append, not 'apend'; did you mean 'append'? write one of overwrite, append",
                "p.yaml:7:12: error: 'count' is 11, outside 1...10; use a value between 1 and 10",
                "p.yaml:8:11: error: 'flag' must be true or false, not 'yes'; write 'flag: true' or 'flag: false'",
                "p.yaml:9:14: error: 'columns' of stage 'record' must be a list, not the value 'task_id'; write 'columns: [a, b]'",
                "p.yaml:10:13: error: 'labels' of stage 'record' must be a mapping, not a list; write 'labels: {name: value}'",
            ])
    }

    @Test func stageOptionErrorsFromInitAreLocatedAtTheOption() {
        let found = diagnostics(
            """
            version: 1
            source: {region: r, project_id: p}
            tasks: [a]
            stages:
              - type: record
                count: 2
                reject: count
            """)
        #expect(found == ["p.yaml:6:12: error: option 'count' of stage 'record': rejected by the test; do not set reject"])
    }

    @Test func twoStagesWritingOnePathIsAnError() {
        let found = diagnostics(
            """
            version: 1
            source: {region: r, project_id: p}
            tasks: [a]
            stages:
              - {type: record, path: out.txt}
              - {type: record, path: ./out.txt}
            """)
        #expect(found == ["p.yaml:6:26: error: stage 2 writes '/tmp/out.txt', which stage 1 writes too; give each stage its own output file"])
    }

    @Test func yamlSyntaxErrorsAreLocated() {
        let found = diagnostics("version: 1\nsource: {region: r\ntasks: [a]\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("p.yaml:3:") == true)
        #expect(found.first?.contains("invalid YAML") == true)
    }

    @Test func duplicateKeysAreErrors() {
        let found = diagnostics("version: 1\nversion: 1\nsource: {region: r, project_id: p}\ntasks: [a]\nstages: [{type: record}]\n")
        #expect(found.first?.contains("duplicate key 'version'") == true)
    }

    @Test func authVariablesAreOnlyRequiredForRun() throws {
        let yaml = """
            version: 1
            source:
              region: r
              project_id: p
              auth: {access_key: "${MY_AK}", secret_key: "${MY_SK}"}
            tasks: [a]
            stages: [{type: record}]
            """
        let validated = try load(yaml)
        #expect(
            validated.source.auth
                == .accessKey(accessKey: .value(nil, variable: "MY_AK"), secretKey: .value(nil, variable: "MY_SK"), securityToken: nil))
        #expect(
            diagnostics(yaml, forRun: true) == [
                "p.yaml:5:22: error: environment variable 'MY_AK' used by 'access_key' is not set; export MY_AK=…",
                "p.yaml:5:46: error: environment variable 'MY_SK' used by 'secret_key' is not set; export MY_SK=…",
            ])
        let run = try load(yaml, environment: ["MY_AK": "ak", "MY_SK": "sk"], forRun: true)
        // The client turns this into credentials (HSSClientTests.CredentialsResolutionTests).
        #expect(run.source.auth == .accessKey(accessKey: .value("ak", variable: nil), secretKey: .value("sk", variable: nil), securityToken: nil))
    }

    @Test func runChecksThatOutputDirectoriesExist() throws {
        try withTemporaryDirectoryBlocking { directory in
            let yaml = """
                version: 1
                source: {region: r, project_id: p}
                tasks: [a]
                stages: [{type: record, path: missing/out.txt}]
                """
            _ = try load(yaml, base: directory.path)
            let found = diagnostics(yaml, forRun: true, base: directory.path)
            #expect(
                found == [
                    "p.yaml:4:31: error: the directory of '\(directory.path)/missing/out.txt' does not exist; create \(directory.path)/missing first (hss-export does not create directories)"
                ])
        }
    }

    @Test func tasksComeFromAFileRelativeToThePipeline() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("# nightly\nt-1\n\n  t-2  \n", to: "tasks.txt")
            let pipeline = try load(
                "version: 1\nsource: {region: r, project_id: p}\ntasks: {file: tasks.txt}\nstages: [{type: record}]\n", base: directory.path)
            #expect(pipeline.tasks.map(\.id) == ["t-1", "t-2"])
            let found = diagnostics(
                "version: 1\nsource: {region: r, project_id: p}\ntasks: {file: nope.txt}\nstages: [{type: record}]\n", base: directory.path)
            #expect(
                found == [
                    "p.yaml:3:15: error: cannot read the task file '\(directory.path)/nope.txt'; check the path (relative paths start at the pipeline file's directory)"
                ])
        }
    }

    @Test func tasksFromStandardInputAreReadOnlyForRun() throws {
        let yaml = "version: 1\nsource: {region: r, project_id: p}\ntasks: {stdin: true}\nstages: [{type: record}]\n"
        #expect(try load(yaml).tasks.isEmpty)
        let loader = PipelineLoader(registry: Self.registry, environment: [:], isForRun: true, readStandardInput: { "a\nb\n" })
        #expect(try loader.load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp").tasks.map(\.id) == ["a", "b"])
    }

    @Test func emptyAndNonMappingFilesAreRejected() {
        #expect(
            diagnostics("") == [
                "p.yaml:1:1: error: the pipeline file is empty; see docs/pipeline-file.md for the sections version, source, tasks, wait and stages"
            ])
        #expect(diagnostics("- a\n- b\n").first?.contains("the pipeline file must be a mapping") == true)
    }
}

@Suite struct SecurityTokenTests {
    @Test func anEmptySecurityTokenMeansPermanentKeys() throws {
        let yaml = """
            version: 1
            source:
              region: r
              project_id: p
              auth: {access_key: ak, secret_key: sk, security_token: "${STS_TOKEN:-}"}
            tasks: [a]
            stages: [{type: record}]
            """
        let loader = PipelineLoader(registry: PipelineLoaderTests.registry, environment: [:], isForRun: true)
        let pipeline = try loader.load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
        #expect(
            pipeline.source.auth == .accessKey(accessKey: .value("ak", variable: nil), secretKey: .value("sk", variable: nil), securityToken: nil))
        let temporary = try PipelineLoader(registry: PipelineLoaderTests.registry, environment: ["STS_TOKEN": "sts"], isForRun: true)
            .load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
        #expect(
            temporary.source.auth
                == .accessKey(
                    accessKey: .value("ak", variable: nil), secretKey: .value("sk", variable: nil), securityToken: .value("sts", variable: nil)))
    }
}
