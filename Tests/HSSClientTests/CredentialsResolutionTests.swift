import ExportPipeline
import HSSClient
import HSSSigning
import Testing

/// From the pipeline file's `auth` (or the environment) to the one credentials type.
@Suite struct CredentialsResolutionTests {
    @Test func credentialsNeverDescribeTheirSecrets() throws {
        let token = HSSCredentials.token("super-secret-token")
        #expect(!"\(token)".contains("super-secret"))
        let keys = try HSSCredentials.resolve(.environment, environment: ["HUAWEICLOUD_SDK_AK": "AKEXAMPLE", "HUAWEICLOUD_SDK_SK": "SKSECRET"])
        #expect(!"\(keys)".contains("SKSECRET"))
        #expect(throws: CredentialsError.self) {
            try HSSCredentials.resolve(.environment, environment: ["HSS_AUTH_TOKEN": "t", "HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s"])
        }
        #expect(throws: CredentialsError.self) { try HSSCredentials.resolve(.environment, environment: [:]) }
    }

    @Test func authFromThePipelineFileBecomesAnAccessKeyPair() throws {
        let permanent = AuthSpec.accessKey(accessKey: .value("ak", variable: nil), secretKey: .value("sk", variable: nil), securityToken: nil)
        #expect(try HSSCredentials.resolve(permanent, environment: [:]) == .accessKey(AccessKeyCredentials(accessKey: "ak", secretKey: "sk")))
        let temporary = AuthSpec.accessKey(
            accessKey: .value("ak", variable: nil), secretKey: .value("sk", variable: nil), securityToken: .value("sts", variable: nil)
        )
        #expect(
            try HSSCredentials.resolve(temporary, environment: [:])
                == .accessKey(AccessKeyCredentials(accessKey: "ak", secretKey: "sk", securityToken: "sts"))
        )
    }

    @Test func anUnsetVariableNamesTheVariableToExport() {
        let spec = AuthSpec.token(.value(nil, variable: "MY_TOKEN"))
        #expect(throws: CredentialsError.self) { try HSSCredentials.resolve(spec, environment: [:]) }
        do {
            _ = try HSSCredentials.resolve(spec, environment: [:])
        } catch {
            #expect(error.description == "credentials: 'token' names the environment variable MY_TOKEN, which is not set; export MY_TOKEN")
        }
    }
}
