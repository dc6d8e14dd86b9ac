import Foundation
import HSSSimulator
import TestSupport
import Testing

/// What retrying cannot fix ends the run at once, as a user would see it.
@Suite struct BinaryFailFastTests {
    @Test func aWrongTokenOnATwentyTaskRunCostsOneRequestAndOneErrorLine() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                let tasks = (0..<20).map { "t-\($0)" }
                try directory.write(BinaryHarness.pipeline(url: url, tasks: tasks, output: directory.file("out.jsonl")), to: "p.yaml")
                var environment = BinaryHarness.tokenEnvironment
                environment["HSS_AUTH_TOKEN"] = "not-the-token-0000"
                let started = ContinuousClock.now
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], environment: environment)
                let elapsed = ContinuousClock.now - started
                #expect(output.status == 3, "\(output.standardError)")
                #expect(await simulator.statistics.totalRequests == 1)
                let errors = output.standardError.split(separator: "\n").filter { $0.contains(" error ") }
                #expect(errors.count == 1, "\(output.standardError)")
                let records = try BinaryHarness.jsonLines(try directory.read("out.jsonl"))
                #expect(records.count == 20)
                #expect(records.allSatisfy { $0["outcome"] as? String == "error" })
                #expect(records.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "APIG.0301" })
                #expect(!output.standardError.contains("not-the-token-0000"))
                // Measured, not asserted as a time limit: printed for the closing note.
                print("wrong token, 20 tasks: exit \(output.status) in \(elapsed)")
            }
        }
    }
}
