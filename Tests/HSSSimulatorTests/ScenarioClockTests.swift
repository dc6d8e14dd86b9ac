import Foundation
import HSSSimulator
import Testing

@Suite("The scenario clock and the statistics route")
struct ScenarioClockTests {
    /// `GET /_simulator/statistics`, decoded.
    private func statistics(_ client: HTTPTestClient) async throws -> [String: Any] {
        let response = try await client.get("/_simulator/statistics")
        #expect(response.status == 200)
        #expect(response.requestID != nil)
        guard let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw TestFailure("statistics are not a JSON object: \(response.text)")
        }
        return object
    }

    @Test("'until' steps end at a time after the first poll of any task, not the task's own")
    func untilCountsFromFirstPoll() async throws {
        let scenario = try scenario(
            tasks: """
                  - {id: early, script: [{status: running, until: 300ms}, {status: success}]}
                  - {id: late, script: [{status: running, until: 600ms}, {status: success}]}
                """)
        try await withSimulator(scenario) { client, _ in
            // Nothing has polled yet: the clock has not started, however long that takes.
            try await Task.sleep(for: .milliseconds(400))
            let sent = ContinuousClock.now
            #expect(try await client.getWithToken(taskPath("early")).json()["task_status"] == "running")
            let answered = ContinuousClock.now
            // The clock started between `sent` and `answered`.
            try await Task.sleep(until: answered + .milliseconds(320))
            #expect(try await client.getWithToken(taskPath("early")).json()["task_status"] == "success")
            // The first poll of `late` comes after its own start, yet it ends on the same clock.
            let late = try await client.getWithToken(taskPath("late")).json()["task_status"]
            if ContinuousClock.now - sent < .milliseconds(600) {
                #expect(late == "running")
            }
            try await Task.sleep(until: answered + .milliseconds(620))
            #expect(try await client.getWithToken(taskPath("late")).json()["task_status"] == "success")
        }
    }

    @Test("the statistics route reports counts, the clock's start and when each step first answered")
    func statisticsRoute() async throws {
        let scenario = try scenario(
            tasks: """
                  - {id: t1, script: [{status: running, until: 200ms}, {status: success}]}
                  - {id: t2, script: [{status: success}]}
                """,
            extra: "rate_limit: {requests: 3, per: 30s}"
        )
        try await withSimulator(scenario) { client, simulator in
            let before = try await statistics(client)
            #expect(before["clock_started_at"] is NSNull)
            #expect(before["clock_started_at_unix"] is NSNull)
            #expect(before["total_requests"] as? Int == 0)

            let wallBefore = Date().timeIntervalSince1970
            #expect(try await client.getWithToken(taskPath("t1")).json()["task_status"] == "running")
            let wallAfter = Date().timeIntervalSince1970
            try await Task.sleep(for: .milliseconds(250))
            #expect(try await client.getWithToken(taskPath("t1")).json()["task_status"] == "success")
            #expect(try await client.getWithToken(taskPath("t2")).status == 200)
            #expect(try await client.getWithToken(taskPath("t2")).status == 429)
            #expect(try await client.get(taskPath("t2")).status == 401)

            let after = try await statistics(client)
            // The statistics requests themselves are neither counted nor throttled.
            #expect(after["total_requests"] as? Int == 5)
            #expect(after["throttled_requests"] as? Int == 1)
            #expect(after["unauthorized_requests"] as? Int == 1)
            #expect(await simulator.statistics.totalRequests == 5)
            let started = try #require(after["clock_started_at_unix"] as? Double)
            #expect(started >= wallBefore - 0.001 && started <= wallAfter + 0.001)
            let text = try #require(after["clock_started_at"] as? String)
            #expect(text.hasSuffix("Z") && text.count == 24)

            let tasks = try #require(after["tasks"] as? [String: [String: Any]])
            #expect(tasks["t1"]?["polls"] as? Int == 2)
            #expect(tasks["t2"]?["polls"] as? Int == 1)
            let t1Steps = try #require(tasks["t1"]?["steps"] as? [[String: Any]])
            #expect(t1Steps.map { $0["step"] as? Int } == [0, 1])
            #expect(t1Steps[0]["first_poll_s"] as? Double == 0)
            let successAt = try #require(t1Steps[1]["first_poll_s"] as? Double)
            #expect(successAt >= 0.25)
            let t2Steps = try #require(tasks["t2"]?["steps"] as? [[String: Any]])
            #expect(t2Steps.map { $0["step"] as? Int } == [0])
        }
    }

    @Test("only GET reaches the statistics route; other methods get HSS's 404")
    func statisticsMethod() async throws {
        try await withSimulator { client, _ in
            let response = try await client.get("/_simulator/statistics", method: "POST")
            #expect(response.status == 404)
            #expect(try response.json()["error_code"] == "APIG.0101")
        }
    }
}
