import ExportPipeline
import Foundation
import HSSClient
import HSSSigning
import TestSupport
import Testing

/// The chain's order and rules, without any network request.
@Suite struct CredentialChainTests {
    @Test(
        arguments: [
            (nil, Duration.seconds(2)), ("10s", .seconds(10)), ("250ms", .milliseconds(250)),
            ("ten", .seconds(2)), ("10ms", .seconds(2)), ("1h", .seconds(2)), ("", .seconds(2)),
        ] as [(String?, Duration)])
    func theMetadataTimeoutIsTwoSecondsUnlessTheVariableGivesASaneDuration(value: String?, expected: Duration) {
        let environment = value.map { ["HSS_EXPORT_METADATA_TIMEOUT": $0] } ?? [:]
        #expect(CredentialChain.metadataTimeout(environment: environment) == expected)
    }

    static let profile = "[basic]\nak = PROFILEAK\nsk = PROFILESK\nproject_id = profile-project\niam_endpoint = http://iam.test\n"

    func choose(_ environment: [String: String], profile: String? = nil, mode: Int = 0o600, auth: AuthSpec = .environment)
        throws -> (CredentialChain.Choice, [String])
    {
        try withTemporaryDirectoryBlocking { directory in
            var environment = environment
            environment["HOME"] = directory.path
            if let profile {
                try FileManager.default.createDirectory(atPath: directory.file(".huaweicloud"), withIntermediateDirectories: true)
                try directory.write(profile, to: ".huaweicloud/credentials")
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: directory.file(".huaweicloud/credentials"))
            }
            var warnings: [String] = []
            let choice = try CredentialChain.choose(auth, environment: environment) { warnings.append($0) }
            return (choice, warnings)
        }
    }

    func kind(_ choice: CredentialChain.Choice) -> String {
        switch choice {
        case .fixed(let credentials, let source, _, _):
            if case .token = credentials { return "token" }
            return source.hasPrefix("profile") ? "profile" : "environment"
        case .metadata: return "metadata"
        case .password: return "password"
        }
    }

    static let sdkEnvironment = ["HUAWEICLOUD_SDK_AK": "ENVAK", "HUAWEICLOUD_SDK_SK": "ENVSK", "HUAWEICLOUD_SDK_PROJECT_ID": "env-project"]

    @Test func everyCombinationPicksTheFirstCompleteSource() throws {
        // (token, env AK/SK, profile) → expected
        for token in [false, true] {
            for env in [false, true] {
                for profile in [false, true] {
                    var environment: [String: String] = env ? Self.sdkEnvironment : [:]
                    if token { environment["HSS_AUTH_TOKEN"] = "tok-1234" }
                    if token && env {
                        #expect(throws: CredentialsError.self) { try choose(environment, profile: profile ? Self.profile : nil) }
                        continue
                    }
                    let (choice, _) = try choose(environment, profile: profile ? Self.profile : nil)
                    let expected = token ? "token" : env ? "environment" : profile ? "profile" : "metadata"
                    #expect(kind(choice) == expected, "token \(token) env \(env) profile \(profile)")
                }
            }
        }
    }

    @Test func environmentSuppliesItsProjectAndSecurityToken() throws {
        var environment = Self.sdkEnvironment
        environment["HUAWEICLOUD_SDK_SECURITY_TOKEN"] = "sec-token"
        let (choice, _) = try choose(environment)
        #expect(
            choice
                == .fixed(
                    .accessKey(AccessKeyCredentials(accessKey: "ENVAK", secretKey: "ENVSK", securityToken: "sec-token")),
                    source: "environment (HUAWEICLOUD_SDK_AK/SK)", projectID: "env-project", iamEndpoint: nil))
    }

    @Test func anAccessKeyWithoutSecretKeyFallsThroughWithAWarning() throws {
        let (choice, warnings) = try choose(["HUAWEICLOUD_SDK_AK": "ENVAK"], profile: Self.profile)
        #expect(kind(choice) == "profile")
        #expect(warnings.contains { $0.contains("HUAWEICLOUD_SDK_SK is not") })
        let (empty, _) = try choose(["HUAWEICLOUD_SDK_AK": "", "HUAWEICLOUD_SDK_SK": ""])
        #expect(kind(empty) == "metadata")
    }

    @Test func theProfileSuppliesProjectAndIAMEndpoint() throws {
        let (choice, warnings) = try choose([:], profile: Self.profile)
        guard case .fixed(_, _, let project, let iam) = choice else {
            Issue.record("not fixed")
            return
        }
        #expect(project == "profile-project")
        #expect(iam == "http://iam.test")
        #expect(warnings.isEmpty)
    }

    @Test func aProfileReadableByOthersWarnsLikeSSH() throws {
        let (_, warnings) = try choose([:], profile: Self.profile, mode: 0o644)
        #expect(warnings.contains { $0.contains("chmod 600") && $0.contains("0644") })
        #expect(!warnings.joined().contains("PROFILESK"))
    }

    @Test func aProfileWithoutKeysOrSectionFallsThroughButABrokenOneFails() throws {
        #expect(kind(try choose([:], profile: "[basic]\nak = A\n").0) == "metadata")
        #expect(kind(try choose([:], profile: "[other]\nak = A\nsk = B\n").0) == "metadata")
        #expect(throws: CredentialsError.self) { try choose([:], profile: "ak = A\n") }
    }

    @Test func theCredentialsFileVariableOverridesHome() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("[basic]\nak = OVERRIDEAK\nsk = S\n", to: "custom")
            let choice = try CredentialChain.choose(.environment, environment: ["HUAWEICLOUD_SDK_CREDENTIALS_FILE": directory.file("custom")])
            guard case .fixed(.accessKey(let keys), _, _, _) = choice else {
                Issue.record("not keys")
                return
            }
            #expect(keys.accessKey == "OVERRIDEAK")
        }
    }

    @Test func namedSourcesAreUsedOrFailClearly() throws {
        let named = try choose([:], profile: "[basic]\nak = A\nsk = B\n[ops]\nak = OPSAK\nsk = OPSSK\n", auth: .profile("ops"))
        guard case .fixed(.accessKey(let keys), let source, _, _) = named.0 else {
            Issue.record("not keys")
            return
        }
        #expect(keys.accessKey == "OPSAK")
        #expect(source.contains("[ops]"))
        #expect(throws: CredentialsError.self) { try choose([:], profile: Self.profile, auth: .profile("missing")) }
        #expect(kind(try choose(Self.sdkEnvironment, auth: .ecsMetadata).0) == "metadata")
        let metadata = try CredentialChain.choose(.ecsMetadata, environment: ["HSS_EXPORT_METADATA_ENDPOINT": "http://127.0.0.1:9"])
        #expect(metadata == .metadata(endpoint: "http://127.0.0.1:9"))
    }

    @Test func unsupportedSDKSourcesAreErrorsNotSilentFallbacks() throws {
        #expect(throws: CredentialsError.self) {
            try choose(["HUAWEICLOUD_SDK_IDP_ID": "idp", "HUAWEICLOUD_SDK_ID_TOKEN_FILE": "/f", "HUAWEICLOUD_SDK_AK": "A", "HUAWEICLOUD_SDK_SK": "S"])
        }
    }

    enum ExpiryRuleProbe {
        static func needs(expiresIn: Double, lifetime: Double, validity: Int64, now: Date) -> Bool {
            let expiresAt = now.addingTimeInterval(expiresIn)
            return ExpiryRule.needsRefresh(
                expiresAt: expiresAt, fetchedAt: expiresAt.addingTimeInterval(-lifetime), validity: .seconds(validity), now: now)
        }
    }

    @Test func theExpiryRuleRefreshesBeforeTheEnd() {
        let now = Date()
        // A 24 h key: refreshed with 40 minutes left.
        #expect(!ExpiryRuleProbe.needs(expiresIn: 41 * 60, lifetime: 86400, validity: 30, now: now))
        #expect(ExpiryRuleProbe.needs(expiresIn: 39 * 60, lifetime: 86400, validity: 30, now: now))
        // A 3 s test key: refreshed at half its lifetime.
        #expect(!ExpiryRuleProbe.needs(expiresIn: 2, lifetime: 3, validity: 30, now: now))
        #expect(ExpiryRuleProbe.needs(expiresIn: 1.4, lifetime: 3, validity: 30, now: now))
    }
}
