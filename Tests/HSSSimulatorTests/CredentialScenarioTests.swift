import Foundation
import HSSSimulator
import Testing
import Yams

@Suite("Scenario keys for metadata, IAM, projects and per-IP limits")
struct CredentialScenarioTests {
    @Test("the new keys load with their defaults and round-trip through YAML")
    func roundTrip() throws {
        let scenario = try credentialScenario(
            metadataTTL: "3s", tokenTTL: "90m",
            extra: "project_name: cn-east-3\nrate_limit_per_ip: {requests: 5, per: 60s}\nrate_limits_per_ip: {download: {requests: 2, per: 1m}}")
        #expect(scenario.metadata == .init(ttl: .seconds(3), agency: "ecs-agency"))
        #expect(scenario.iam.tokenTTL == .seconds(5_400))
        #expect(scenario.iam.users.map(\.description) == ["IAMUser(my-account/exporter, password: <redacted>)"])
        #expect(scenario.projectName == "cn-east-3")
        #expect(scenario.allProjects.map(\.id) == [HTTPTestClient.projectID, secondProjectID])
        #expect(scenario.rateLimitPerIP == .init(requests: 5, per: .seconds(60)))
        #expect(scenario.rateLimitsPerIP.download == .init(requests: 2, per: .seconds(60)))
        #expect(!scenario.description.contains("s3cret-pass"))
        let yaml = try YAMLEncoder().encode(scenario)
        #expect(try SimulatorScenario(yaml: yaml) == scenario)

        let plain = try SimulatorScenario(yaml: "project_id: p\ntokens: [t]")
        #expect(plain.metadata == nil)
        #expect(plain.iam == .init())
        #expect(plain.projectName == "cn-north-4")
        #expect(plain.rateLimitPerIP == nil)
        #expect(!(try YAMLEncoder().encode(plain)).contains("iam"))
    }

    @Test("metadata or an IAM user alone is enough credentials")
    func credentialsAlone() throws {
        #expect(try SimulatorScenario(yaml: "project_id: p\nmetadata: {ttl: 1h}").metadata?.ttl == .seconds(3_600))
        #expect(try SimulatorScenario(yaml: "project_id: p\nmetadata: {}").metadata?.ttl == .seconds(86_400))
        #expect(try SimulatorScenario(yaml: "project_id: p\niam: {users: [{name: u, domain: d, password: p}]}").iam.users.count == 1)
        #expect(throws: SimulatorScenarioError.self) { try SimulatorScenario(yaml: "project_id: p\niam: {token_ttl: 1h}") }
    }

    @Test(
        "bad values name their key",
        arguments: [
            ("metadata: {ttl: 0s}", "metadata.ttl"),
            ("metadata: {ttl: soon}", "metadata.ttl"),
            ("metadata: {tll: 3s}", "metadata.tll"),
            ("metadata: {agency: ''}", "metadata.agency"),
            ("iam: {users: [{name: u, domain: d}]}", "iam.users[0]"),
            ("iam: {users: [{name: u, domain: d, password: p}, {name: u, domain: d, password: q}]}", "iam.users"),
            ("iam: {token_ttl: -1s, users: []}", "iam.token_ttl"),
            ("rate_limit_per_ip: {requests: 0}", "rate_limit_per_ip.requests"),
            ("rate_limits_per_ip: {poll: {requests: 1}}", "rate_limits_per_ip.poll"),
            ("project_name: ''", "project_name"),
        ])
    func badValues(_ line: String, _ keyPath: String) throws {
        let error = try #require(throws: SimulatorScenarioError.self) {
            try SimulatorScenario(yaml: "project_id: p\ntokens: [t]\n\(line)")
        }
        #expect(error.keyPath == keyPath, "\(error)")
        #expect(!error.description.contains("password: q"))
    }
}
