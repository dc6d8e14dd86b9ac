import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Per-user limits across projects, and per-source-IP limits")
struct SourceIPRateLimitTests {
    @Test("one user's budget per API holds across projects")
    func perUserAcrossProjects() async throws {
        let scenario = try credentialScenario(extra: "rate_limit: {requests: 3, per: 60s}")
        try await withSimulator(scenario) { client, simulator in
            func poll(_ project: String) async throws -> Int {
                try await client.signed(path: projectTaskPath("t", project: project), project: project, credentials: exampleCredentials).status
            }
            #expect(try await poll(HTTPTestClient.projectID) == 200)
            #expect(try await poll(secondProjectID) == 404)
            #expect(try await poll(HTTPTestClient.projectID) == 200)
            #expect(try await poll(secondProjectID) == 429)
            #expect(try await poll(HTTPTestClient.projectID) == 429)
            // Another API has its own budget.
            let download = try await client.signed(
                path: projectDownloadPath("file-t", project: HTTPTestClient.projectID), credentials: exampleCredentials)
            #expect(download.status == 200)
            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests == 2)
            #expect(statistics.throttledByUser == ["ak:HPUAEXAMPLEAK0000001": ["query": 2]])
            #expect(statistics.throttledByIP.isEmpty)
            let byUser = try await client.statistic("throttled_by_user") as? [String: [String: Int]]
            #expect(byUser == ["ak:HPUAEXAMPLEAK0000001": ["query": 2]])
        }
    }

    @Test("the per-IP limit counts every user from one address; only admitted requests count")
    func perIP() async throws {
        let scenario = try credentialScenario(extra: "rate_limit: {requests: 3, per: 60s}\nrate_limit_per_ip: {requests: 4, per: 60s}")
        try await withSimulator(scenario) { client, simulator in
            let (iamToken, _) = try await client.iamToken()
            // Three users, two requests each: the fifth request overall is over the IP's 4.
            #expect(try await client.withToken(path: taskPath("t"), token: "demo-token").status == 200)
            #expect(try await client.withToken(path: taskPath("t"), token: "demo-token").status == 200)
            #expect(try await client.signed(path: taskPath("t"), credentials: exampleCredentials).status == 200)
            #expect(try await client.signed(path: taskPath("t"), credentials: exampleCredentials).status == 200)
            let throttled = try await client.withToken(path: taskPath("t"), token: iamToken)
            #expect(throttled.status == 429)
            #expect(try throttled.json()["error_msg"]?.contains("source IP") == true)
            #expect(throttled.headers["retry-after"].flatMap(Int.init).map { (1...60).contains($0) } == true)
            // A refused request did not spend the user's budget: over the IP limit it is still refused, by the IP.
            #expect(try await client.withToken(path: taskPath("t"), token: iamToken).status == 429)
            // Other APIs are counted on their own.
            #expect(try await client.withToken(path: projectDownloadPath("file-t", project: HTTPTestClient.projectID), token: iamToken).status == 200)
            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests == 2)
            #expect(statistics.throttledByIP == ["127.0.0.1": ["query": 2]])
            #expect(statistics.throttledByUser.isEmpty)
            #expect(try await client.statistic("throttled_by_ip") as? [String: [String: Int]] == ["127.0.0.1": ["query": 2]])
        }
    }

    @Test("per-API overrides of the per-IP limit, and a request over both limits counts in both")
    func overridesAndBoth() async throws {
        let scenario = try credentialScenario(extra: "rate_limit: {requests: 1, per: 60s}\nrate_limits_per_ip: {query: {requests: 1, per: 60s}}")
        #expect(scenario.rateLimitPerIP == nil)
        #expect(scenario.rateLimitsPerIP.query == .init(requests: 1, per: .seconds(60)))
        try await withSimulator(scenario) { (client: HTTPTestClient, simulator: HSSSimulator) async throws in
            #expect(try await client.withToken(path: taskPath("t"), token: "demo-token").status == 200)
            #expect(try await client.withToken(path: taskPath("t"), token: "demo-token").status == 429)
            // Downloads have no per-IP limit here.
            #expect(
                try await client.withToken(path: projectDownloadPath("file-t", project: HTTPTestClient.projectID), token: "demo-token").status == 200)
            let statistics = await simulator.statistics
            #expect(statistics.throttledByUser == ["token#1": ["query": 1]])
            #expect(statistics.throttledByIP == ["127.0.0.1": ["query": 1]])
            #expect(statistics.throttledRequests == 1)
        }
    }
}
