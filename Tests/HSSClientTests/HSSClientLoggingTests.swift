import ExportPipeline
import ExportStageKit
import HSSClient
import HSSSigning
import InMemoryLogging
import Logging
import Testing

/// Secrets never reach the log, even at trace level, and every request is logged at debug.
@Suite struct HSSClientLoggingTests {
    @Test func tokenRequestsLogAtDebugWithoutTheToken() async throws {
        let (logger, lines) = InMemoryLogHandler.logger(level: .trace)
        _ = try await SimulatorFixture.withClient(credentials: SimulatorFixture.tokenCredentials, logger: logger) { client, _, _ in
            _ = try await client.queryExportTask("done-1")
            _ = try? await client.queryExportTask("no-such-task")
        }
        let all = lines.lines
        let requests = all.filter { $0.contains("HSS request") }
        #expect(requests.count == 2, "\(all)")
        let success = try #require(requests.first)
        #expect(success.hasPrefix("debug "))
        #expect(success.contains("method=GET"))
        #expect(success.contains("path=/v5/\(SimulatorFixture.projectID)/export-task/done-1"))
        #expect(success.contains("status=200"))
        #expect(success.contains("request_id="))
        #expect(success.contains("duration_ms="))
        #expect(requests.last?.contains("status=404") == true)
        for line in all {
            #expect(!line.contains(SimulatorFixture.token), "token leaked: \(line)")
        }
    }

    @Test func accessKeyRequestsLogNeitherSecretKeyNorSignature() async throws {
        let (logger, lines) = InMemoryLogHandler.logger(level: .trace)
        let wrongKeys = HSSCredentials.accessKey(
            AccessKeyCredentials(accessKey: SimulatorFixture.accessKey, secretKey: "AnotherSecretKey00000000000000000000000000"))
        _ = try await SimulatorFixture.withClient(credentials: SimulatorFixture.accessKeyCredentials, logger: logger) { client, _, _ in
            _ = try await client.queryExportTask("done-1")
        }
        _ = try await SimulatorFixture.withClient(credentials: wrongKeys, logger: logger) { client, _, _ in
            _ = try? await client.queryExportTask("done-1")
        }
        let all = lines.lines
        #expect(all.filter { $0.contains("HSS request") }.count == 2, "\(all)")
        for line in all {
            #expect(!line.contains(SimulatorFixture.secretKey), "secret key leaked: \(line)")
            #expect(!line.contains("AnotherSecretKey"), "secret key leaked: \(line)")
            #expect(!line.contains("Signature="), "signature leaked: \(line)")
            #expect(!line.contains("SDK-HMAC-SHA256"), "authorization leaked: \(line)")
        }
    }

    @Test func credentialDescriptionsHideSecrets() {
        let token = HSSCredentials.token("tok-secret-123")
        #expect(token.description == "token(<redacted>)")
        #expect(String(reflecting: token) == "token(<redacted>)")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("tok-secret-123"))

        let keys = HSSCredentials.accessKey(AccessKeyCredentials(accessKey: "AK1", secretKey: "sk-secret-456", securityToken: "st-secret-789"))
        let configuration = HSSClientConfiguration(
            endpoint: .region("cn-north-4"), projectID: "p", credentials: keys, environment: ["HUAWEICLOUD_SDK_SK": "env-secret"])
        for text in [keys.description, String(reflecting: keys), configuration.description, String(reflecting: configuration)] {
            #expect(!text.contains("sk-secret-456"), "\(text)")
            #expect(!text.contains("st-secret-789"), "\(text)")
            #expect(!text.contains("env-secret"), "\(text)")
        }
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        #expect(!dumpedConfiguration.contains("sk-secret-456"))
        #expect(!dumpedConfiguration.contains("env-secret"))
        #expect(
            configuration.description
                == "HSSClientConfiguration(endpoint: region cn-north-4, projectID: p, credentials: accessKey(AccessKeyCredentials(accessKey: AK1, secretKey: <redacted>, securityToken: <redacted>)), region: cn-north-4, requestTimeout: 30.0 seconds, connectTimeout: 10.0 seconds, userAgent: hss-export/\(HSSExportVersion.current))"
        )
    }
}
