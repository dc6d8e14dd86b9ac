import Foundation
import HSSSimulator
import Testing

@Suite("Per-API rate limits over HTTP")
struct PerAPIRateLimitTests {
    @Test("queries, downloads and each create route have their own window per user")
    func independentWindows() async throws {
        let scenario = try scenario(tasks: "  - {id: t, script: [{status: running}]}", extra: "rate_limit: {requests: 2, per: 1m}")
        try await withSimulator(scenario) { client, simulator in
            let taskID = try await client.createTask(.vulnerabilities)
            _ = try await client.createTask(.vulnerabilities)
            let thirdCreate = try await client.create(.vulnerabilities)
            #expect(thirdCreate.status == 429)
            #expect(try thirdCreate.json()["error_code"] == "APIG.0308")
            #expect(try thirdCreate.json()["error_msg"]?.contains("create:ExportVuls") == true)
            #expect(thirdCreate.headers["retry-after"].flatMap { Int($0) } != nil)
            // Another create route is another API.
            #expect(try await client.create(.events).status == 200)
            // Queries have their own two.
            #expect(try await client.getWithToken(taskPath(taskID)).status == 200)
            #expect(try await client.getWithToken(taskPath("t")).status == 200)
            #expect(try await client.getWithToken(taskPath("t")).status == 429)
            // And downloads theirs.
            #expect(try await client.getWithToken(downloadPath("file-t")).status == 200)
            #expect(try await client.getWithToken(downloadPath("file-t")).status == 200)
            let throttled = try await client.getWithToken(downloadPath("file-t"))
            #expect(throttled.status == 429)
            #expect(try throttled.json()["error_msg"]?.contains("download API") == true)
            // Another user is not affected.
            #expect(try await client.getWithToken(downloadPath("file-t"), token: "second-token").status == 200)
            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests == 3)
            #expect(statistics.throttledByAPI == ["create:ExportVuls": 1, "query": 1, "download": 1])
            // A throttled create never reached the route.
            #expect(statistics.creations == 3)
            #expect(await simulator.creations.count == 3)
        }
    }

    @Test("rate_limits overrides one API and leaves the others at rate_limit")
    func overrides() async throws {
        let scenario = try scenario(
            tasks: "  - {id: t, script: [{status: running}]}",
            extra: "rate_limit: {requests: 3, per: 1m}\nrate_limits: {create: {requests: 1, per: 1m}, download: {requests: 1, per: 1m}}")
        try await withSimulator(scenario) { client, _ in
            var statuses: [Int] = []
            for request in [CreateCase.vulnerabilities, .vulnerabilities, .assets, .assets] {
                statuses.append(try await client.create(request).status)
            }
            #expect(statuses == [200, 429, 200, 429])
            statuses = []
            for _ in 0..<2 {
                statuses.append(try await client.getWithToken(downloadPath("file-t")).status)
            }
            #expect(statuses == [200, 429])
            statuses = []
            for _ in 0..<4 {
                statuses.append(try await client.getWithToken(taskPath("t")).status)
            }
            #expect(statuses == [200, 200, 200, 429])
        }
    }
}
