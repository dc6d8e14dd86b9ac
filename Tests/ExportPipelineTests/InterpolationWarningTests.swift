import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// The loader's warnings (a `$VAR` without braces, a literal secret) and
/// `validate --no-environment` (``PipelineLoader/allowsUnsetVariables``).
@Suite struct InterpolationWarningTests {
    static let registry = StageRegistry([RecordingStage.self])

    static func yaml(source: String = "region: cn-north-4, project_id: p", tasks: String = "[a]", stage: String = "type: record") -> String {
        """
        version: 1
        source: {\(source)}
        tasks: \(tasks)
        stages: [{\(stage)}]
        """
    }

    static func check(_ yaml: String, environment: [String: String] = [:], allowsUnset: Bool = false) -> PipelineCheck {
        var loader = PipelineLoader(registry: registry, environment: environment)
        loader.allowsUnsetVariables = allowsUnset
        return loader.check(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
    }

    @Test func aVariableWithoutBracesIsAWarningAndStaysLiteral() throws {
        let check = Self.check(Self.yaml(source: "region: cn-north-4, project_id: $P"), environment: ["P": "real"])
        #expect(check.errors.isEmpty, "\(check.errors)")
        let warning = try #require(check.warnings.first)
        #expect(check.warnings.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.line == 2)
        #expect(warning.description.hasPrefix("p.yaml:2:"))
        #expect(warning.description.contains(": warning: '$P' in 'project_id' is not interpolated"), "\(warning)")
        #expect(warning.fix?.contains("${P}") == true && warning.fix?.contains("$$") == true)
        // Loading still works, with the value as written, and the warning travels with the pipeline for `run`.
        let pipeline = try #require(check.pipeline)
        #expect(pipeline.source.projectID == "$P")
        #expect(pipeline.warnings == check.warnings)
    }

    @Test(arguments: ["${P}", "$${P}", "cost$$", "${P:-x}y", "100$", "a$ b", "$1"])
    func bracesDollarDollarAndLoneDollarsAreNotWarned(value: String) throws {
        let check = Self.check(Self.yaml(source: "region: cn-north-4, project_id: '\(value)'"), environment: ["P": "p"])
        #expect(check.errors.isEmpty, "\(check.errors)")
        #expect(check.warnings.isEmpty, "\(value): \(check.warnings)")
    }

    @Test func anExecCommandKeepsItsShellVariablesWithoutAWarning() {
        let yaml = Self.yaml(stage: "type: record, columns: ['$HOME']") + "\n"
        #expect(Self.check(yaml).warnings.count == 1, "a list option elsewhere is warned about")
        let loaderYAML = """
            version: 1
            source: {region: cn-north-4, project_id: p}
            tasks: [a]
            stages:
              - type: record
                command: [sh, -c, 'echo $RESULTS']
            """
        // `command` is unknown to the recording stage (an error), but not a warning.
        #expect(Self.check(loaderYAML).warnings.isEmpty)
    }

    @Test(arguments: [
        ("token: Zq8-literal-token-value", "token", "token_file"),
        ("access_key: AK, secret_key: LiteralSecretKey0123456789", "secret_key", "secret_key_file"),
        ("password: {user: u, domain: d, password: 'Pa$$w0rd-literal'}", "password", "password_file"),
    ])
    func aLiteralSecretIsWarnedWithoutItsValue(auth: String, key: String, safer: String) throws {
        let check = Self.check(Self.yaml(source: "region: cn-north-4, project_id: p, auth: {\(auth)}"))
        #expect(check.errors.isEmpty, "\(check.errors)")
        let warning = try #require(check.warnings.first { $0.message.contains("secret written literally") })
        #expect(warning.message.hasPrefix("'\(key)'"))
        #expect(warning.fix?.contains(safer) == true && warning.fix?.contains("credential chain") == true)
        #expect(warning.fix?.contains("docs/credentials.md") == true)
        for literal in ["Zq8-literal-token-value", "LiteralSecretKey0123456789", "Pa$$w0rd", "w0rd"] {
            #expect(!check.warnings.map(\.description).joined().contains(literal), "the warning shows the secret")
        }
    }

    @Test(arguments: ["token: '${HSS_AUTH_TOKEN}'", "token_file: /run/secrets/token", "access_key: AK, secret_key: '${SK}'", "profile: default"])
    func secretsFromVariablesOrFilesAreNotWarned(auth: String) {
        let check = Self.check(Self.yaml(source: "region: cn-north-4, project_id: p, auth: {\(auth)}"))
        #expect(check.errors.isEmpty, "\(check.errors)")
        #expect(check.warnings.isEmpty, "\(check.warnings)")
    }

    @Test func withoutTheEnvironmentUnsetVariablesAreNotErrorsAndTheirValuesAreNotChecked() throws {
        let yaml = """
            version: 1
            source: {endpoint: '${ENDPOINT}', project_id: '${PROJECT}'}
            tasks: [a]
            wait: {timeout: '${TIMEOUT}', max_interval: 'soon'}
            stages: [{type: record, count: '${COUNT}', path: '${OUT}/r.jsonl'}]
            """
        let strict = Self.check(yaml)
        #expect(strict.errors.count >= 5, "\(strict.errors)")
        #expect(strict.unsetVariables == ["ENDPOINT", "PROJECT", "TIMEOUT", "COUNT", "OUT"])

        let relaxed = Self.check(yaml, allowsUnset: true)
        // Only the problem that is not about an unset variable remains.
        #expect(relaxed.errors.map(\.message) == ["'max_interval' must be a duration, not 'soon'"], "\(relaxed.errors)")
        #expect(relaxed.unsetVariables == ["ENDPOINT", "PROJECT", "TIMEOUT", "COUNT", "OUT"])

        let valid = Self.check(yaml.replacingOccurrences(of: ", max_interval: 'soon'", with: ""), allowsUnset: true)
        #expect(valid.errors.isEmpty, "\(valid.errors)")
        #expect(valid.isValid)
    }

    @Test func withoutTheEnvironmentASetVariableIsStillChecked() {
        let yaml = Self.yaml(stage: "type: record, count: '${COUNT}'")
        let check = Self.check(yaml, environment: ["COUNT": "many"], allowsUnset: true)
        #expect(check.errors.map(\.message).contains { $0.contains("'count'") }, "\(check.errors)")
    }

    @Test func aRunStillNeedsEveryVariable() {
        var loader = PipelineLoader(registry: Self.registry, environment: [:], isForRun: true)
        loader.allowsUnsetVariables = false
        #expect(throws: PipelineLoadError.self) {
            try loader.load(yaml: Self.yaml(source: "region: cn-north-4, project_id: '${P}'"), file: "p.yaml", baseDirectory: "/tmp")
        }
    }
}
