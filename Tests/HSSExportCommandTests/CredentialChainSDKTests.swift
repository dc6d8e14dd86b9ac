import Foundation
import HSSSimulator
import TestSupport
import Testing

/// The official Python SDK's default chain and `hss-export credentials --fetch`
/// pick the same source for the same environment.
@Suite(.serialized) struct CredentialChainSDKTests {
    static let python = ProcessInfo.processInfo.environment["HSS_SDK_PYTHON"] ?? PackagePaths.root + "/.venv/bin/python3"

    /// Walks `CredentialProviderChain.get_basic_credential_provider_chain()` as its
    /// `get_credentials` does, printing which provider answered (`none` when all refused,
    /// `error` when one raised what the chain does not catch, as a dead metadata service does).
    static let script = #"""
        import json, os, sys
        from huaweicloudsdkcore.auth import provider as p
        from huaweicloudsdkcore.auth.internal import MetadataAccessor
        from huaweicloudsdkcore.exceptions.exceptions import ApiTypeError, ApiValueError, SdkException
        endpoint = os.environ.get("HSS_EXPORT_METADATA_ENDPOINT")
        if endpoint:
            MetadataAccessor._METADATA_ENDPOINT = endpoint
            MetadataAccessor._DEFAULT_TIME_OUT = (2, 2)
        kinds = {"OidcStsCredentialProvider": "oidc", "EnvCredentialProvider": "environment",
                 "ProfileCredentialProvider": "profile", "MetadataBasicCredentialProvider": "metadata",
                 "MetadataCredentialProvider": "metadata", "PodIdentityCredentialProvider": "pod"}
        for provider in p.CredentialProviderChain.get_basic_credential_provider_chain()._providers:
            try:
                credentials = provider.get_credentials()
            except (ApiTypeError, ApiValueError, SdkException):
                continue
            except Exception:
                print(json.dumps({"kind": "error"}))
                sys.exit(0)
            print(json.dumps({"kind": kinds[type(provider).__name__], "access_key": credentials.ak,
                              "project_id": credentials.project_id}))
            sys.exit(0)
        print(json.dumps({"kind": "none"}))
        """#

    static let scenario = """
        project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
        tokens: [unused-token-123456]
        metadata: {ttl: 1h}
        """

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var environment: [String: String]
        var profile: String?
        var metadata: Bool
        var description: String { name }
    }

    static let profileText = "[basic]\nak = PROFILEAK000000000001\nsk = profile-secret-key-123\nproject_id = profile-project\n"

    static let cases: [Case] = [
        Case(
            name: "environment only", environment: ["HUAWEICLOUD_SDK_AK": "ENVAK0000000000000001", "HUAWEICLOUD_SDK_SK": "env-secret-123456"],
            metadata: false),
        Case(name: "profile only", environment: [:], profile: profileText, metadata: false),
        Case(
            name: "environment and profile", environment: ["HUAWEICLOUD_SDK_AK": "ENVAK0000000000000001", "HUAWEICLOUD_SDK_SK": "env-secret-123456"],
            profile: profileText, metadata: false),
        Case(name: "AK without SK", environment: ["HUAWEICLOUD_SDK_AK": "ENVAK0000000000000001"], profile: profileText, metadata: false),
        Case(
            name: "credentials file override", environment: ["HUAWEICLOUD_SDK_CREDENTIALS_FILE": "OVERRIDE"],
            profile: "[basic]\nak = WRONGAK\nsk = wrong-secret-1\n", metadata: false),
        Case(name: "neither, metadata on the simulator", environment: [:], metadata: true),
        Case(name: "neither, metadata on a closed port", environment: [:], metadata: false),
    ]

    @Test(.enabled(if: ExternalTool.shouldRun(python)), .timeLimit(.minutes(3)), arguments: cases)
    func theSDKAndHSSExportPickTheSameSource(_ example: Case) async throws {
        let python = try ExternalTool.require(Self.python, package: "a venv with huaweicloudsdkhss==3.1.219 (see the README)")
        try await withTemporaryDirectory { directory in
            try directory.write(Self.script, to: "chain.py")
            try FileManager.default.createDirectory(atPath: directory.file("home/.huaweicloud"), withIntermediateDirectories: true)
            if let profile = example.profile {
                try directory.write(profile, to: "home/.huaweicloud/credentials")
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.file("home/.huaweicloud/credentials"))
            }
            try directory.write("[basic]\nak = OVERRIDEAK00000000001\nsk = override-secret-1\n", to: "override")
            let base = ProcessInfo.processInfo.environment.filter {
                !$0.key.hasPrefix("HUAWEICLOUD_") && !$0.key.hasPrefix("HSS_") && !$0.key.lowercased().hasSuffix("_proxy")
            }
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenario), timeout: .seconds(150)) { url, _ in
                var environment = base
                environment["HOME"] = directory.file("home")
                environment["HSS_EXPORT_METADATA_ENDPOINT"] = example.metadata ? url.absoluteString.trimmingSuffix("/") : "http://127.0.0.1:9"
                environment["HSS_EXPORT_METADATA_TIMEOUT"] = "10s"
                for (name, value) in example.environment { environment[name] = value == "OVERRIDE" ? directory.file("override") : value }
                let sdk = try await ProcessRunner.run(python, [directory.file("chain.py")], environment: environment, timeout: .seconds(60))
                let sdkLine = try #require(
                    try JSONSerialization.jsonObject(with: Data(sdk.standardOutput.utf8)) as? [String: Any], "SDK said: \(sdk.standardError)")
                let ours = try await ProcessRunner.run(
                    PackagePaths.binary, ["credentials", "--fetch"], environment: environment, timeout: .seconds(60))
                let sdkKind = sdkLine["kind"] as? String ?? "?"
                if sdkKind == "none" || sdkKind == "error" {
                    #expect(ours.status != 0, "the SDK found no credentials, hss-export did: \(ours.standardOutput)")
                    return
                }
                let line = try #require(
                    try JSONSerialization.jsonObject(with: Data(ours.standardOutput.utf8)) as? [String: Any], "hss-export said: \(ours.standardError)"
                )
                #expect(line["kind"] as? String == sdkKind, "\(example.name)")
                if sdkKind != "metadata" {
                    #expect(line["access_key"] as? String == sdkLine["access_key"] as? String)
                }
                #expect(!ours.standardOutput.contains("secret"))
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
