import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("IAM token and project routes")
struct IAMRouteTests {
    @Test("a password login answers 201 with X-Subject-Token and token.expires_at; the token works in its project")
    func login() async throws {
        try await withSimulator(try credentialScenario(tokenTTL: "2h")) { client, simulator in
            let response = try await client.login(scope: #"{"project": {"id": "\#(HTTPTestClient.projectID)"}}"#)
            #expect(response.status == 201)
            let token = try #require(response.headers["x-subject-token"])
            let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            let body = try #require(object["token"] as? [String: Any])
            let expiresAt = try #require((body["expires_at"] as? String).flatMap(parseMicrosecondTimestamp))
            #expect(abs(expiresAt.timeIntervalSinceNow - 7200) < 10)
            #expect((body["project"] as? [String: Any])?["name"] as? String == "cn-north-4")
            #expect(((body["user"] as? [String: Any])?["domain"] as? [String: Any])?["name"] as? String == "my-account")
            #expect(!response.text.contains("s3cret-pass"))
            #expect(try await client.withToken(path: taskPath("t"), token: token).status == 200)

            // Scoped by name too.
            let byName = try await client.login(scope: #"{"project": {"name": "cn-north-4_dev"}}"#)
            #expect(byName.status == 201)
            let devToken = try #require(byName.headers["x-subject-token"])
            let created = try await client.withToken(
                "POST", path: projectCreatePath(CreateCase.baseline.path, project: secondProjectID), body: CreateCase.baseline.body,
                project: secondProjectID, token: devToken)
            #expect(created.status == 200, "\(created.text)")
            let statistics = await simulator.statistics
            #expect(statistics.iamTokensIssued == 2)
            #expect(statistics.iamTokenRefusals == 0)
        }
    }

    @Test("a wrong password, an unknown user or domain is 401; a bad body or scope is 400")
    func refusals() async throws {
        try await withSimulator(try credentialScenario()) { client, simulator in
            let scope = #"{"project": {"id": "\#(HTTPTestClient.projectID)"}}"#
            let wrong = try await client.login(password: "guess", scope: scope)
            #expect(wrong.status == 401)
            #expect(wrong.headers["x-subject-token"] == nil)
            let error = try #require(try JSONSerialization.jsonObject(with: wrong.body) as? [String: [String: Any]])
            #expect(error["error"]?["message"] as? String == "The username or password is wrong.")
            #expect(try await client.login(user: "nobody", scope: scope).status == 401)
            #expect(try await client.login(domain: "other-account", scope: scope).status == 401)
            #expect(try await client.login(scope: #"{"project": {"id": "no-such-project"}}"#).status == 400)
            let garbage = try await client.send(method: "POST", "/v3/auth/tokens", headers: [], body: Array("{".utf8))
            #expect(garbage.status == 400)
            let statistics = await simulator.statistics
            #expect(statistics.iamTokenRefusals == 5)
            #expect(statistics.iamTokensIssued == 0)
            let iam = try #require(try await client.statistic("iam") as? [String: Int])
            #expect(iam == ["tokens_issued": 0, "token_refusals": 5, "project_requests": 0])
        }
    }

    @Test("a token is good for its own project only; a domain-scoped token for IAM only")
    func scope() async throws {
        try await withSimulator(try credentialScenario()) { client, _ in
            let (token, _) = try await client.iamToken()
            let other = try await client.withToken(path: projectTaskPath("t", project: secondProjectID), project: secondProjectID, token: token)
            #expect(other.status == 401)
            #expect(try other.json()["error_msg"]?.contains("scoped to project") == true)

            let domain = try await client.login(scope: #"{"domain": {"name": "my-account"}}"#)
            #expect(domain.status == 201)
            let domainToken = try #require(domain.headers["x-subject-token"])
            #expect(try await client.withToken(path: taskPath("t"), token: domainToken).status == 401)
            #expect(try await client.withToken(path: "/v3/projects?name=cn-north-4", token: domainToken).status == 200)
        }
    }

    @Test("an IAM token is refused from its expires_at on, counted as expired")
    func expiry() async throws {
        try await withSimulator(try credentialScenario(tokenTTL: "4s")) { client, simulator in
            let (token, expiresAt) = try await client.iamToken()
            #expect(try await client.withToken(path: taskPath("t"), token: token).status == 200)
            try await sleep(until: expiresAt)
            let expired = try await client.withToken(path: taskPath("t"), token: token)
            #expect(expired.status == 401)
            #expect(try expired.json()["error_code"] == "APIG.0307")
            let statistics = await simulator.statistics
            #expect(statistics.expiredCredentialRejections == 1)
            #expect(statistics.expiredCredentialRejectionsByKind == ["iam_token": 1])
        }
    }

    @Test("GET /v3/projects lists the scenario's projects by name, authenticated any way")
    func projects() async throws {
        let scenario = try credentialScenario(
            projects: "[{id: \(secondProjectID), name: cn-north-4_dev}, {id: p3, name: cn-east-3}, {id: p4, name: cn-east-3}]")
        try await withSimulator(scenario) { client, simulator in
            func ids(_ response: HTTPTestResponse) throws -> [String] {
                let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any], "\(response.text)")
                let projects = try #require(object["projects"] as? [[String: Any]])
                for project in projects {
                    #expect(project["enabled"] as? Bool == true)
                    #expect((project["domain_id"] as? String)?.count == 32)
                }
                return projects.compactMap { $0["id"] as? String }
            }
            let signed = try await client.signed(
                path: "/v3/projects", query: [(name: "name", value: "cn-north-4")], project: nil, credentials: exampleCredentials)
            #expect(signed.status == 200)
            #expect(try ids(signed) == [HTTPTestClient.projectID])
            let keys = try await client.fetchTemporaryKeys()
            let temporary = try await client.signed(
                path: "/v3/projects", query: [(name: "name", value: "cn-east-3")], project: nil, credentials: keys.credentials)
            #expect(try ids(temporary) == ["p3", "p4"])
            let none = try await client.withToken(path: "/v3/projects?name=eu-west-0", token: "demo-token")
            #expect(try ids(none) == [])
            let all = try await client.withToken(path: "/v3/projects", token: "demo-token")
            #expect(try ids(all) == [HTTPTestClient.projectID, secondProjectID, "p3", "p4"])
            #expect(try await client.get("/v3/projects?name=cn-north-4").status == 401)
            #expect(await simulator.statistics.iamProjectRequests == 4)
        }
    }
}
