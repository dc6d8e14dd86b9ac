import Foundation
import HSSSimulator
import TestSupport
import Testing

/// The issue's acceptance test: credentials that expire during a run, through
/// the built binary. A run with no `auth:` and no credential in the environment
/// ends the chain at the ECS metadata service; its keys live 3 s, the task
/// takes ~18 s, so the run refreshes several times and HSS never sees an
/// expired key.
@Suite(.serialized) struct ECSCredentialBinaryTests {
    static let password = "pw-binary-9c41e7d2b8a5"

    /// Every simulator-issued security token starts with this (the base64 of `cn-north-4`
    /// after a fixed byte); the keys themselves are not exposed, so stderr is searched for it.
    static let securityTokenPrefix = "gQpjbi1ub3J0aC00"

    static func scenario(running: String, credentials: String) -> String {
        """
        project_id: \(BinaryHarness.projectID)
        rate_limit: {requests: 1000, per: 60s}
        \(credentials)
        tasks:
          - id: slow
            name: slow export
            script: [{status: running, for: \(running)}, {status: success}]
        """
    }

    static func pipeline(url: URL, auth: String = "") -> String {
        """
        version: 1
        source:
          endpoint: \(url.absoluteString)
          region: cn-north-4
          project_id: \(BinaryHarness.projectID)
        \(auth)
        tasks: [slow]
        wait:
          initial_interval: 100ms
          max_interval: 300ms
          timeout: 60s
          rate_limit: {requests: 100, per: 1s}
        stages:
          - type: jsonl
            path: results.jsonl
        """
    }

    /// A user with no credentials at all: no variables, and a HOME without a profile file.
    static func bareEnvironment(home: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in [
            "HSS_AUTH_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
            "HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_CREDENTIALS_FILE", "HSS_EXPORT_METADATA_ENDPOINT", "HSS_EXPORT_IAM_ENDPOINT",
        ] {
            environment.removeValue(forKey: name)
        }
        environment["HOME"] = home
        return environment
    }

    @Test func aRunLongerThanTheAgencyKeysLifetimeRefreshesThemInTime() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { home in
                let scenario = try SimulatorScenario(yaml: Self.scenario(running: "18s", credentials: "metadata: {ttl: 3s}"))
                try await withSimulator(scenario) { url, simulator in
                    try directory.write(Self.pipeline(url: url), to: "p.yaml")
                    var environment = Self.bareEnvironment(home: home.path)
                    environment["HSS_EXPORT_METADATA_ENDPOINT"] = url.absoluteString
                    // The stand-in metadata service is this loaded test process, not the hypervisor.
                    environment["HSS_EXPORT_METADATA_TIMEOUT"] = "10s"
                    let started = ContinuousClock.now
                    let output = try await BinaryHarness.run(
                        ["run", "--log-level", "debug", directory.file("p.yaml")], environment: environment, in: directory.path)
                    let elapsed = ContinuousClock.now - started
                    let statistics = await simulator.statistics
                    print("ECS run: \(elapsed), key fetches \(statistics.metadataSecurityKeys), polls \(statistics.polls["slow"] ?? 0)")
                    #expect(output.status == 0, "\(output.standardError)")
                    #expect(elapsed >= .seconds(18))
                    let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                    #expect(records.count == 1)
                    #expect(records.first?["outcome"] as? String == "succeeded", "\(records)")
                    #expect(statistics.metadataSecurityKeys >= 4, "\(statistics)")
                    #expect(statistics.expiredCredentialRejections == 0, "\(statistics)")
                    #expect(statistics.unauthorizedRequests == 0, "\(statistics)")
                    for text in [output.standardOutput, output.standardError] {
                        #expect(!text.contains(Self.securityTokenPrefix))
                    }
                }
            }
        }
    }

    @Test func aPasswordRunLongerThanTheTokenLifetimeLogsInAgain() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { home in
                let iam = "iam: {users: [{name: exporter, domain: my-account, password: \(Self.password)}], token_ttl: 4s}"
                let scenario = try SimulatorScenario(yaml: Self.scenario(running: "12s", credentials: iam))
                try await withSimulator(scenario) { url, simulator in
                    let auth = "  auth: {password: {user: exporter, domain: my-account, password: \"${HSS_TEST_PASSWORD}\"}}"
                    try directory.write(Self.pipeline(url: url, auth: auth), to: "p.yaml")
                    var environment = Self.bareEnvironment(home: home.path)
                    environment["HSS_EXPORT_IAM_ENDPOINT"] = url.absoluteString
                    environment["HSS_TEST_PASSWORD"] = Self.password
                    let started = ContinuousClock.now
                    let output = try await BinaryHarness.run(
                        ["run", "--log-level", "debug", directory.file("p.yaml")], environment: environment, in: directory.path)
                    let elapsed = ContinuousClock.now - started
                    let statistics = await simulator.statistics
                    print("password run: \(elapsed), logins \(statistics.iamTokensIssued)")
                    #expect(output.status == 0, "\(output.standardError)")
                    #expect(elapsed >= .seconds(12))
                    let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                    #expect(records.first?["outcome"] as? String == "succeeded", "\(records)")
                    #expect(statistics.iamTokensIssued >= 2, "\(statistics)")
                    #expect(statistics.expiredCredentialRejections == 0, "\(statistics)")
                    #expect(statistics.unauthorizedRequests == 0, "\(statistics)")
                    for text in [output.standardOutput, output.standardError] {
                        #expect(!text.contains(Self.password))
                    }
                }
            }
        }
    }

    @Test func anUnreachableMetadataServiceFailsFastAndExplainsAgencies() async throws {
        try await withTemporaryDirectory { directory in
            try await withTemporaryDirectory { home in
                let scenario = try SimulatorScenario(yaml: Self.scenario(running: "1s", credentials: "metadata: {ttl: 3s}"))
                try await withSimulator(scenario) { url, simulator in
                    try directory.write(Self.pipeline(url: url), to: "p.yaml")
                    var environment = Self.bareEnvironment(home: home.path)
                    // Port 1 on loopback: nothing listens, so the connection is refused.
                    environment["HSS_EXPORT_METADATA_ENDPOINT"] = "http://127.0.0.1:1"
                    let started = ContinuousClock.now
                    let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], environment: environment, in: directory.path)
                    let elapsed = ContinuousClock.now - started
                    print("unreachable metadata: \(elapsed)")
                    #expect(output.status == 2, "\(output.standardError)")
                    #expect(elapsed < .seconds(10))
                    #expect(output.standardError.lowercased().contains("agency"), "\(output.standardError)")
                    #expect(await simulator.statistics.totalRequests == 0)
                }
            }
        }
    }
}
