import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Export task status over HTTP")
struct ExportTaskRouteTests {
    @Test("a token gets the task as JSON with X-Request-Id")
    func tokenSuccess() async throws {
        try await withSimulator { client, _ in
            let response = try await client.getWithToken(taskPath("export-vul-0001"))
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(response.requestID != nil)
            #expect(
                try response.json() == [
                    "task_id": "export-vul-0001",
                    "task_name": "Vulnerability export",
                    "task_status": "running",
                    "file_id": "file-vul-0001",
                    "file_name": "vulnerabilities.zip",
                ])
            // Field order as documented, which JSONSerialization would not show.
            #expect(response.text.hasPrefix(#"{"task_id":"export-vul-0001","task_name":"#))
        }
    }

    @Test("running for N polls, then success, counted per task")
    func runningThenSuccess() async throws {
        let scenario = try scenario(tasks: "  - {id: t-3, script: [{status: running, polls: 3}, {status: success}]}")
        try await withSimulator(scenario) { client, simulator in
            var statuses: [String] = []
            for _ in 0..<5 {
                statuses.append(try await client.getWithToken(taskPath("t-3")).json()["task_status"] ?? "?")
            }
            #expect(statuses == ["running", "running", "running", "success", "success"])
            #expect(await simulator.statistics.polls(of: "t-3") == 5)
        }
    }

    @Test("the default vulnerability export succeeds on the 4th poll, the baseline export fails on the 2nd")
    func defaultScripts() async throws {
        try await withSimulator { client, _ in
            var vul: [String] = []
            var baseline: [String] = []
            for _ in 0..<4 {
                vul.append(try await client.getWithToken(taskPath("export-vul-0001")).json()["task_status"] ?? "?")
            }
            for _ in 0..<3 {
                baseline.append(try await client.getWithToken(taskPath("export-baseline-0003")).json()["task_status"] ?? "?")
            }
            #expect(vul == ["running", "running", "running", "success"])
            #expect(baseline == ["running", "failure", "failure"])
        }
    }

    @Test("'for: 1s' answers running until a second after the first poll")
    func timedStep() async throws {
        try await withSimulator { client, _ in
            // The server's clock is unknown, so the assertions use bounds that hold however
            // slow the machine is: the first poll happened between `sent` and `answered`.
            let sent = ContinuousClock.now
            #expect(try await client.getWithToken(taskPath("export-report-0004")).json()["task_status"] == "running")
            let answered = ContinuousClock.now
            try await Task.sleep(until: sent + .milliseconds(400))
            let second = try await client.getWithToken(taskPath("export-report-0004")).json()["task_status"]
            if ContinuousClock.now - sent < .seconds(1) {
                #expect(second == "running")
            }
            try await Task.sleep(until: answered + .milliseconds(1_050))
            #expect(try await client.getWithToken(taskPath("export-report-0004")).json()["task_status"] == "success")
        }
    }

    @Test("unknown statuses are sent verbatim")
    func unknownStatus() async throws {
        let scenario = try scenario(tasks: "  - {id: odd, script: [{status: queued_for_review}]}")
        try await withSimulator(scenario) { client, _ in
            let response = try await client.getWithToken(taskPath("odd"))
            #expect(try response.json()["task_status"] == "queued_for_review")
        }
    }

    @Test("an http_status step answers that error once in HSS format, then the script goes on")
    func scriptedError() async throws {
        let scenario = try scenario(
            tasks: """
                  - {id: flaky, script: [{http_status: 503, polls: 1}, {http_status: 500, error_code: HSS.0004, error_msg: boom, polls: 1}, {status: success}]}
                """)
        try await withSimulator(scenario) { client, simulator in
            let first = try await client.getWithToken(taskPath("flaky"))
            #expect(first.status == 503)
            #expect(first.requestID != nil)
            let firstBody = try first.json()
            #expect(firstBody["error_code"] == "HSS.1000")
            #expect(firstBody["error_msg"]?.contains("503") == true)
            let second = try await client.getWithToken(taskPath("flaky"))
            #expect(second.status == 500)
            #expect(try second.json() == ["error_code": "HSS.0004", "error_msg": "boom"])
            let third = try await client.getWithToken(taskPath("flaky"))
            #expect(third.status == 200)
            #expect(try third.json()["task_status"] == "success")
            #expect(await simulator.statistics.polls(of: "flaky") == 3)
        }
    }

    @Test("an unknown task is 404 HSS.1059 with X-Request-Id")
    func unknownTask() async throws {
        try await withSimulator { client, simulator in
            let response = try await client.getWithToken(taskPath("no-such-task"))
            #expect(response.status == 404)
            #expect(response.requestID != nil)
            let body = try response.json()
            #expect(body["error_code"] == "HSS.1059")
            #expect(body["error_msg"]?.contains("'no-such-task'") == true)
            #expect(await simulator.statistics.polls.isEmpty)
        }
    }

    @Test("a wrong project id is 404 HSS.1004")
    func wrongProject() async throws {
        try await withSimulator { client, _ in
            let other = "ffffffffffffffffffffffffffffffff"
            let response = try await client.getWithToken(taskPath("export-vul-0001", project: other), projectHeader: other)
            #expect(response.status == 404)
            #expect(try response.json()["error_code"] == "HSS.1004")
            #expect(response.requestID != nil)
        }
    }

    @Test("an X-Project-Id that differs from the path is 400 HSS.1002")
    func projectHeaderMismatch() async throws {
        try await withSimulator { client, _ in
            let response = try await client.getWithToken(taskPath("export-vul-0001"), projectHeader: "ffffffffffffffffffffffffffffffff")
            #expect(response.status == 400)
            #expect(try response.json()["error_code"] == "HSS.1002")
        }
    }

    @Test("a percent-encoded task id is decoded once")
    func encodedTaskID() async throws {
        let scenario = try scenario(tasks: "  - {id: 'tasks/a b', script: [{status: success}]}")
        try await withSimulator(scenario) { client, _ in
            let response = try await client.getWithToken(taskPath("tasks/a b"))
            #expect(response.status == 200)
            #expect(try response.json()["task_id"] == "tasks/a b")
        }
    }

    @Test(
        "unknown routes and methods are 404 APIG.0101 with X-Request-Id",
        arguments: [
            ("GET", "/healthz"),
            ("GET", "/v5/0a1b2c3d4e5f60718293a4b5c6d7e8f9/export-tasks/x"),
            ("POST", "/v5/0a1b2c3d4e5f60718293a4b5c6d7e8f9/export-task/export-vul-0001"),
        ])
    func unknownRoute(method: String, path: String) async throws {
        try await withSimulator { client, simulator in
            let response = try await client.get(path, headers: [(name: "X-Auth-Token", value: "demo-token")], method: method)
            #expect(response.status == 404)
            #expect(response.requestID != nil)
            #expect(try response.json()["error_code"] == "APIG.0101")
            #expect(await simulator.statistics.totalRequests == 1)
        }
    }

    @Test("every response has its own request id")
    func distinctRequestIDs() async throws {
        try await withSimulator { client, _ in
            let first = try await client.getWithToken(taskPath("export-vul-0001")).requestID
            let second = try await client.getWithToken(taskPath("export-vul-0001")).requestID
            #expect(first != nil)
            #expect(first != second)
        }
    }

    @Test("scenario latency delays every response")
    func latency() async throws {
        let scenario = try scenario(tasks: "  - {id: slow, script: [{status: success}]}", extra: "latency: 300ms")
        try await withSimulator(scenario) { client, _ in
            let started = ContinuousClock.now
            let response = try await client.getWithToken(taskPath("slow"))
            #expect(response.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
        }
    }
}
