import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `hss-export run` against a simulator injecting faults, as a nightly job meets them: the
/// run ends by the task deadline plus one request timeout whatever the server does, a
/// proxy's page now and then loses no task, and an endpoint with user information is
/// refused without echoing it.
@Suite struct BinaryFaultTests {
    /// `request_timeout` and `wait.timeout` of every run here.
    static let requestTimeout = 1.0
    static let deadline = 3.0
    /// Process start, the commit and a loaded 2-core machine.
    static let slack = 20.0

    static func scenario(tasks: Int, faults: String) throws -> SimulatorScenario {
        let list = (1...tasks).map { "  - {id: t-\($0), script: [{status: running, polls: 1}, {status: success}]}" }.joined(separator: "\n")
        return try SimulatorScenario(
            yaml: """
                project_id: \(BinaryHarness.projectID)
                tokens: [\(BinaryHarness.token)]
                rate_limit: {requests: 1000, per: 1s}
                tasks:
                \(list)
                faults:
                  query: \(faults)
                """)
    }

    static func pipeline(url: URL, tasks: Int, timeout: Double = deadline, requestTimeout: Double = requestTimeout) -> String {
        """
        version: 1
        source:
          endpoint: \(url.absoluteString)
          project_id: \(BinaryHarness.projectID)
          request_timeout: \(Int(requestTimeout * 1000))ms
        tasks: [\((1...tasks).map { "t-\($0)" }.joined(separator: ", "))]
        wait:
          initial_interval: 50ms
          max_interval: 200ms
          timeout: \(Int(timeout * 1000))ms
          concurrency: 4
          rate_limit: {requests: 100, per: 1s}
        stages:
          - type: jsonl
            path: results.jsonl
        """
    }

    struct Run {
        var output: ProcessOutput
        var records: [[String: Any]]
        var seconds: Double
    }

    static func run(tasks: Int, faults: String, timeout: Double = deadline, requestTimeout: Double = requestTimeout) async throws -> Run {
        let scenario = try scenario(tasks: tasks, faults: faults)
        return try await withTemporaryDirectory { directory in
            let (output, seconds) = try await withSimulator(scenario) { url, _ in
                try directory.write(pipeline(url: url, tasks: tasks, timeout: timeout, requestTimeout: requestTimeout), to: "faults.pipeline.yaml")
                let started = ContinuousClock.now
                let output = try await BinaryHarness.run(["run", directory.file("faults.pipeline.yaml")])
                let elapsed = ContinuousClock.now - started
                return (output, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            let records = try BinaryHarness.jsonLines((try? directory.read("results.jsonl")) ?? "")
            return Run(output: output, records: records, seconds: seconds)
        }
    }

    @Test func anEndlessDripEndsWithinTheDeadlinePlusOneRequestTimeout() async throws {
        let run = try await Self.run(tasks: 2, faults: "[{mode: endless_drip, interval: 100ms}]")
        #expect([1, 3].contains(run.output.status), "exit \(run.output.status), stderr: \(run.output.standardError)")
        #expect(run.records.count == 2)
        for record in run.records {
            #expect(["timed_out", "error"].contains(record["outcome"] as? String ?? ""), "\(record)")
        }
        #expect(run.seconds < Self.deadline + Self.requestTimeout + Self.slack, "took \(run.seconds) s")
    }

    @Test func aStallLongerThanTheRequestTimeoutEndsTheRunInTime() async throws {
        let run = try await Self.run(tasks: 1, faults: "[{mode: stall}]")
        #expect(run.output.status == 3, "stderr: \(run.output.standardError)")
        let error = try #require(run.records.first?["error"] as? [String: Any])
        #expect(error["code"] as? String == "network.timeout")
        #expect(run.seconds < Self.deadline + Self.requestTimeout + Self.slack, "took \(run.seconds) s")
    }

    @Test func aProxyPageInOneAnswerOfFiveLosesNoTask() async throws {
        // The case that lost 6 of 15 tasks when an HTML 200 ended a task for good.
        let run = try await Self.run(tasks: 15, faults: "[{mode: html_200, probability: 0.2, seed: 42}]", timeout: 30)
        #expect(run.output.status == 0, "stderr: \(run.output.standardError)")
        #expect(run.records.count == 15)
        #expect(run.records.allSatisfy { $0["outcome"] as? String == "succeeded" }, "\(run.records.map { $0["outcome"] ?? "-" })")
    }

    @Test func aProxyPageUntilTheDeadlineIsTheTasksErrorAndNamesThePage() async throws {
        // Deadline and request timeout long enough that on a loaded machine the last answer
        // before the deadline is still the page, not a request that timed out.
        let run = try await Self.run(tasks: 1, faults: "[{mode: html_200}]", timeout: 6, requestTimeout: 5)
        #expect(run.output.status == 3, "stderr: \(run.output.standardError)")
        #expect(run.records.first?["outcome"] as? String == "error")
        let error = try #require(run.records.first?["error"] as? [String: Any])
        #expect(error["code"] as? String == "garbage-response")
        #expect((error["message"] as? String)?.hasPrefix("HTTP 200 with a text/html body, not JSON: <!DOCTYPE html>") == true, "\(error)")
    }

    @Test func anEndpointWithUserInformationIsRefusedWithoutEchoingIt() async throws {
        try await withTemporaryDirectory { directory in
            let pipeline = Self.pipeline(url: try #require(URL(string: "http://hss-user:\(BinaryHarness.token)@127.0.0.1:9")), tasks: 1)
            try directory.write(pipeline, to: "userinfo.pipeline.yaml")
            for command in ["validate", "run"] {
                let output = try await BinaryHarness.run([command, directory.file("userinfo.pipeline.yaml")])
                #expect(output.status == 2, "\(command): \(output.standardError)")
                #expect(output.standardError.contains("has user information (user:***@), which HSS does not use"), "\(output.standardError)")
                #expect(output.standardError.contains("http://***@127.0.0.1:9"), "\(output.standardError)")
                for leaked in [BinaryHarness.token, "hss-user"] {
                    #expect(!output.standardError.contains(leaked) && !output.standardOutput.contains(leaked), "\(command) echoed \(leaked)")
                }
            }
        }
    }
}
