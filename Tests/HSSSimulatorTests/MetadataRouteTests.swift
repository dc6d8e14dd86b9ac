import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("ECS metadata routes and temporary keys")
struct MetadataRouteTests {
    @Test("a session token, then temporary keys in the metadata service's shape, fresh on every fetch")
    func issuesKeys() async throws {
        try await withSimulator(try credentialScenario(metadataTTL: "90s")) { client, simulator in
            let session = try await client.send(
                method: "PUT", "/meta-data/latest/api/token", headers: [(name: "X-Metadata-Token-Ttl-Seconds", value: "21600")], body: nil)
            #expect(session.status == 200)
            #expect(session.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(session.text.count >= 32)
            let answer = try await client.get("/openstack/latest/securitykey", headers: [(name: "X-Metadata-Token", value: session.text)])
            #expect(answer.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: [String: String]])
            let credential = try #require(object["credential"])
            #expect(Set(credential.keys) == ["access", "secret", "securitytoken", "expires_at"])
            let expiresAt = try #require(credential["expires_at"].flatMap(parseMicrosecondTimestamp), "\(answer.text)")
            // Valid for the scenario's ttl from the fetch.
            #expect(abs(expiresAt.timeIntervalSinceNow - 90) < 10)

            let first = try await client.fetchTemporaryKeys()
            let second = try await client.fetchTemporaryKeys()
            #expect(first.credentials.accessKey != second.credentials.accessKey)
            #expect(first.credentials.secretKey != second.credentials.secretKey)
            let statistics = await simulator.statistics
            #expect(statistics.metadataSessionTokens == 3)
            #expect(statistics.metadataSecurityKeys == 3)
            #expect(statistics.metadataRefusals == 0)
        }
    }

    @Test("no, an unknown or a bad session token is refused; a bad TTL header is 400")
    func refusals() async throws {
        try await withSimulator(try credentialScenario()) { client, simulator in
            #expect(try await client.get("/openstack/latest/securitykey").status == 401)
            let unknown = try await client.get("/openstack/latest/securitykey", headers: [(name: "X-Metadata-Token", value: "made-up")])
            #expect(unknown.status == 401)
            #expect(unknown.text.contains("PUT /meta-data/latest/api/token"))
            for ttl in [nil, "0", "21601", "soon"] {
                let headers = ttl.map { [(name: "X-Metadata-Token-Ttl-Seconds", value: $0)] } ?? []
                let answer = try await client.send(method: "PUT", "/meta-data/latest/api/token", headers: headers, body: nil)
                #expect(answer.status == 400, "ttl \(ttl ?? "missing")")
            }
            let statistics = await simulator.statistics
            #expect(statistics.metadataRefusals == 6)
            #expect(statistics.metadataSecurityKeys == 0)
        }
    }

    @Test("an expired session token is refused")
    func expiredSessionToken() async throws {
        try await withSimulator(try credentialScenario()) { client, _ in
            let session = try await client.send(
                method: "PUT", "/meta-data/latest/api/token", headers: [(name: "X-Metadata-Token-Ttl-Seconds", value: "1")], body: nil)
            try await Task.sleep(for: .milliseconds(1_300))
            let answer = try await client.get("/openstack/latest/securitykey", headers: [(name: "X-Metadata-Token", value: session.text)])
            #expect(answer.status == 401)
        }
    }

    @Test("a server without an agency answers key fetches 401 with the text the SDK looks for")
    func noAgency() async throws {
        try await withSimulator(try credentialScenario(extra: "").with { $0.metadata?.attached = false }) { client, simulator in
            let session = try await client.send(
                method: "PUT", "/meta-data/latest/api/token", headers: [(name: "X-Metadata-Token-Ttl-Seconds", value: "60")], body: nil)
            #expect(session.status == 200)
            let answer = try await client.get("/openstack/latest/securitykey", headers: [(name: "X-Metadata-Token", value: session.text)])
            #expect(answer.status == 401)
            #expect(answer.text.contains("Please configure Cloud Service Agency first"))
            #expect(await simulator.statistics.metadataSecurityKeys == 0)
        }
        #expect(try SimulatorScenario(yaml: "project_id: p\nmetadata: {attached: false}").metadata?.attached == false)
    }

    @Test("without a metadata key in the scenario the routes do not exist")
    func off() async throws {
        try await withSimulator { client, _ in
            let answer = try await client.send(
                method: "PUT", "/meta-data/latest/api/token", headers: [(name: "X-Metadata-Token-Ttl-Seconds", value: "60")], body: nil)
            #expect(answer.status == 404)
            #expect(try await client.get("/openstack/latest/securitykey").status == 404)
        }
    }

    @Test("temporary keys sign HSS requests with their X-Security-Token, in every project")
    func keysWork() async throws {
        try await withSimulator(try credentialScenario()) { client, simulator in
            let keys = try await client.fetchTemporaryKeys()
            #expect(try await client.signed(path: taskPath("t"), credentials: keys.credentials).status == 200)
            let created = try await client.signed(
                "POST", path: projectCreatePath(CreateCase.baseline.path, project: secondProjectID), body: CreateCase.baseline.body,
                project: secondProjectID, credentials: keys.credentials)
            #expect(created.status == 200, "\(created.text)")

            var withoutToken = keys.credentials
            withoutToken.securityToken = nil
            let missing = try await client.signed(path: taskPath("t"), credentials: withoutToken)
            #expect(missing.status == 401)
            #expect(try missing.json()["error_msg"]?.contains("X-Security-Token") == true)

            var otherToken = keys.credentials
            otherToken.securityToken = try await client.fetchTemporaryKeys().credentials.securityToken
            #expect(try await client.signed(path: taskPath("t"), credentials: otherToken).status == 401)

            var wrongSecret = keys.credentials
            wrongSecret.secretKey = String(wrongSecret.secretKey.reversed())
            #expect(try await client.signed(path: taskPath("t"), credentials: wrongSecret).status == 401)

            let statistics = await simulator.statistics
            #expect(statistics.expiredCredentialRejections == 0)
            #expect(statistics.unauthorizedRequests == 3)
        }
    }

    @Test("keys are refused from expires_at on, with APIG.0307, and counted as expired")
    func expiry() async throws {
        try await withSimulator(try credentialScenario(metadataTTL: "4s")) { client, simulator in
            let keys = try await client.fetchTemporaryKeys()
            #expect(try await client.signed(path: taskPath("t"), credentials: keys.credentials).status == 200)
            try await sleep(until: keys.expiresAt)
            let expired = try await client.signed(path: taskPath("t"), credentials: keys.credentials)
            #expect(expired.status == 401)
            let body = try expired.json()
            #expect(body["error_code"] == "APIG.0307")
            #expect(body["error_msg"]?.contains("expired") == true)
            #expect(body["error_msg"]?.contains(keys.credentials.secretKey) == false)
            #expect(body["error_msg"]?.contains(keys.credentials.securityToken ?? "-") == false)
            // Fresh keys work again.
            let fresh = try await client.fetchTemporaryKeys()
            #expect(try await client.signed(path: taskPath("t"), credentials: fresh.credentials).status == 200)

            let statistics = await simulator.statistics
            #expect(statistics.expiredCredentialRejections == 1)
            #expect(statistics.expiredCredentialRejectionsByKind == ["temporary_key": 1])
            #expect(try await client.statistic("expired_credential_rejections") as? Int == 1)
            let metadata = try #require(try await client.statistic("metadata") as? [String: Int])
            #expect(metadata == ["session_tokens": 2, "security_keys": 2, "refusals": 0])
        }
    }

    @Test("every metadata key acts as the one agency user, whose budget they share")
    func oneAgencyUser() async throws {
        let scenario = try credentialScenario(extra: "rate_limit: {requests: 2, per: 60s}")
        try await withSimulator(scenario) { client, simulator in
            let first = try await client.fetchTemporaryKeys()
            let second = try await client.fetchTemporaryKeys()
            #expect(try await client.signed(path: taskPath("t"), credentials: first.credentials).status == 200)
            #expect(try await client.signed(path: taskPath("t"), credentials: second.credentials).status == 200)
            let third = try await client.fetchTemporaryKeys()
            #expect(try await client.signed(path: taskPath("t"), credentials: third.credentials).status == 429)
            // The scenario's own access key is another user.
            #expect(try await client.signed(path: taskPath("t"), credentials: exampleCredentials).status == 200)
            let statistics = await simulator.statistics
            #expect(statistics.throttledByUser == ["agency:ecs-agency": ["query": 1]])
        }
    }
}
