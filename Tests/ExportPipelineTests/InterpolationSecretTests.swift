import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// A `${...}` reference that goes wrong must be described without its
/// content: the secrets are not known while the file loads, so nothing
/// downstream could redact them.
@Suite struct InterpolationSecretTests {
    static let registry = StageRegistry([RecordingStage.self])
    static let token = "MIIEhgYJKoZIhvcNAQcCoIIE+token/Value=="
    static let secretKey = "ExampleSecretKey0000000000000000000000000"

    func diagnostics(source: String, environment: [String: String] = [:], forRun: Bool = true) -> [String] {
        let yaml = """
            version: 1
            source: {region: cn-north-4, project_id: p, \(source)}
            tasks: [a]
            stages: [{type: record}]
            """
        return PipelineLoader(registry: Self.registry, environment: environment, isForRun: forRun).diagnostics(ofRejected: yaml)
    }

    /// The malformed references a user could write around a token.
    static let malformed: [(value: String, shown: String)] = [
        ("'${\(token)}'", "${…} at character 1"),
        ("'${\(token)'", "${… at character 1, with no closing }"),
        ("'${HSS_AUTH_TOKEN:-\(token)'", "${HSS_AUTH_TOKEN:-… at character 1, with no closing }"),
        ("'Bearer ${ \(token) }'", "${…} at character 8"),
        ("'${\(token):-x}'", "${…} at character 1"),
    ]

    @Test(arguments: 0..<malformed.count)
    func aMalformedReferenceHoldingATokenIsDescribedWithoutIt(_ index: Int) {
        let (value, shown) = Self.malformed[index]
        for key in ["auth: {token: \(value)}", "endpoint: \(value)"] {
            let found = diagnostics(source: key)
            #expect(found.count == 1, "\(found)")
            let text = found.joined(separator: "\n")
            #expect(text.contains("malformed variable reference '\(shown)'"), "\(text)")
            #expect(!text.contains("MIIEhgYJ"), "\(text)")
            #expect(!text.contains("token/Value"), "\(text)")
        }
    }

    @Test func anUnsetVariableWhoseNameIsASecretKeyIsNotNamed() {
        let found = diagnostics(source: "auth: {access_key: AK, secret_key: '${\(Self.secretKey)}'}")
        let text = found.joined(separator: "\n")
        #expect(text.contains("malformed variable reference '${…} at character 1: an unset variable whose name looks like a credential"), "\(text)")
        #expect(!text.contains(Self.secretKey))
        #expect(!text.contains("ExampleSecretKey"))
    }

    @Test func aCleanVariableNameIsStillNamed() {
        #expect(
            diagnostics(source: "auth: {token: '${HSS_TOKEN'}")
                == [
                    "p.yaml:2:59: error: malformed variable reference '${HSS_TOKEN at character 1, with no closing }' in 'token'; write ${NAME} or ${NAME:-default}"
                ]
        )
        #expect(
            diagnostics(source: "auth: {token: '${MY_TOKEN}'}")
                == ["p.yaml:2:59: error: environment variable 'MY_TOKEN' used by 'token' is not set; export MY_TOKEN=…"]
        )
    }

    @Test func aReferenceOnALaterLineOfABlockValueIsPlacedByLineAndCharacter() {
        let yaml = """
            version: 1
            source:
              region: cn-north-4
              project_id: p
              endpoint: |
                http://host
                x${\(Self.token)}
            tasks: [a]
            stages: [{type: record}]
            """
        do {
            _ = try PipelineLoader(registry: Self.registry, environment: [:], isForRun: true).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
            Issue.record("expected the file to be rejected")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(text.contains("'${…} at line 2, character 2'"), "\(text)")
            #expect(!text.contains("MIIEhgYJ"))
        }
    }

    @Test func validReferencesStillExpand() throws {
        let pipeline = try PipelineLoader(registry: Self.registry, environment: ["HSS_AUTH_TOKEN_X": Self.token], isForRun: true).load(
            yaml: """
                version: 1
                source: {region: cn-north-4, project_id: "${PROJECT:-p1}$$", auth: {token: "${HSS_AUTH_TOKEN_X}"}}
                tasks: [a]
                stages: [{type: record}]
                """, file: "p.yaml", baseDirectory: "/tmp")
        #expect(pipeline.source.projectID == "p1$")
    }
}
