import Foundation
import HSSSimulator
import Testing

@Suite("Rate limiting over HTTP")
struct RateLimitTests {
    @Test("the request after the limit is 429 APIG.0308 with Retry-After, per user")
    func throttled() async throws {
        let scenario = try scenario(
            tasks: "  - {id: t, script: [{status: running}]}",
            extra: "rate_limit: {requests: 2, per: 30s}"
        )
        try await withSimulator(scenario) { client, simulator in
            let firstSent = ContinuousClock.now
            #expect(try await client.getWithToken(taskPath("t")).status == 200)
            #expect(try await client.getWithToken(taskPath("t")).status == 200)
            let throttled = try await client.getWithToken(taskPath("t"))
            let elapsed = Int((ContinuousClock.now - firstSent).components.seconds)
            #expect(throttled.status == 429)
            #expect(throttled.requestID != nil)
            let body = try throttled.json()
            #expect(body["error_code"] == "APIG.0308")
            #expect(body["error_msg"]?.hasPrefix("The request is throttled") == true)
            let retryAfter = try #require(throttled.headers["retry-after"].flatMap { Int($0) })
            // Whole seconds until the first request leaves the 30 s window; a busy
            // machine may have spent a few of them between the requests.
            #expect((29 - elapsed...30).contains(retryAfter))

            // Another token is another user with its own window.
            #expect(try await client.getWithToken(taskPath("t"), token: "second-token").status == 200)
            // AK/SK is a third user.
            #expect(try await client.getSigned(path: taskPath("t"), credentials: exampleCredentials).status == 200)

            let statistics = await simulator.statistics
            #expect(statistics.throttledRequests == 1)
            #expect(statistics.totalRequests == 5)
            // A throttled request never reaches the task.
            #expect(statistics.polls(of: "t") == 4)
        }
    }
}
