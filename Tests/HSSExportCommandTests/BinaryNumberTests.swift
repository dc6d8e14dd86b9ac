import ExportStageKit
import Foundation
import TestSupport
import Testing

/// The crashes found by fuzzing (SIGILL, exit 132, on a duration of about
/// 9.2e15 s or more), each now an exit 2 with a located message, through the
/// built binary; and the cap on printed diagnostics.
@Suite(.serialized) struct BinaryNumberTests {
    static func pipeline(wait: String = "  timeout: 15m", stage: String = "- type: jsonl\n    path: out.jsonl") -> String {
        """
        version: 1
        source:
          endpoint: http://127.0.0.1:9
          project_id: p
        tasks: [t-1]
        wait:
        \(wait)
        stages:
          \(stage)
        """
    }

    @Test(arguments: ["99999999999999999h", "9223372036854775807s"])
    func aHugeWaitDurationExitsTwoWithItsLocation(text: String) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.pipeline(wait: "  timeout: \(text)"), to: "p.yaml")
            for command in ["validate", "run"] {
                let output = try await BinaryHarness.run([command, directory.file("p.yaml")])
                #expect(output.status == 2, "\(command): \(output.standardError)")
                #expect(
                    output.standardError.contains("p.yaml:7:12: error: 'timeout' is \(text), out of range; use a duration between 1ms and 8784h"),
                    "\(command): \(output.standardError)")
            }
        }
    }

    @Test func aHugeStageOptionDurationExitsTwoWithItsLocation() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.pipeline(stage: "- type: exec\n    command: [/bin/true]\n    timeout: 9223372036854775807s"), to: "p.yaml")
            for command in ["validate", "run"] {
                let output = try await BinaryHarness.run([command, directory.file("p.yaml")])
                #expect(output.status == 2, "\(command): \(output.standardError)")
                #expect(
                    output.standardError.contains(
                        "p.yaml:11:14: error: 'timeout' is 9223372036854775807s, out of range; use a duration between 0s and 8784h"),
                    "\(command): \(output.standardError)")
            }
        }
    }

    @Test(arguments: [
        (["--timeout", "99999999999999999h"], "--timeout 99999999999999999h is out of range; use a duration between 1ms and 8784h"),
        (["--max-interval", "9223372036854775807s"], "--max-interval 9223372036854775807s is out of range; use a duration between 1ms and 8784h"),
        (
            ["--request-timeout", "99999999999999999h"],
            "--request-timeout 99999999999999999h is out of range; use a duration between 100ms and 8784h"
        ),
        (
            ["--rate-limit", "5/99999999999999999h"],
            "--rate-limit '5/99999999999999999h' is not REQUESTS/PERIOD with a duration between 1ms and 8784h"
        ),
        (["--rate-limit", "99999999999999999999/1m"], "the number of requests must be between 1 and 100000"),
    ])
    func waitRefusesOutOfRangeOptionsWithExitTwo(arguments: [String], message: String) async throws {
        let output = try await BinaryHarness.run(["wait", "t-1", "--endpoint", "http://127.0.0.1:9", "--project-id", "p"] + arguments)
        #expect(output.status == 2, "\(output.standardError)")
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    @Test func simulateRefusesAHugeScenarioDurationWithExitTwoAndItsLocation() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                "project_id: p\ntokens: [t]\ntasks:\n  - id: a\n    script: [{status: running, for: 99999999999999999h}]\n", to: "s.yaml")
            let output = try await BinaryHarness.run(["simulate", "--scenario", directory.file("s.yaml")])
            #expect(output.status == 2, "\(output.standardError)")
            #expect(
                output.standardError.contains(
                    "s.yaml:5:37: tasks[0].script[0].for: 99999999999999999h is out of range; use a duration between 0s and 8784h"),
                "\(output.standardError)")
        }
    }

    @Test func aHundredThousandProblemsPrintFiftyAndACountInValidateAndRun() async throws {
        try await withTemporaryDirectory { directory in
            let keys = (0..<100_000).map { "    k\($0): 1" }.joined(separator: "\n")
            try directory.write(Self.pipeline(stage: "- type: jsonl\n    path: out.jsonl\n" + keys), to: "p.yaml")
            for command in ["validate", "run"] {
                let output = try await BinaryHarness.run([command, directory.file("p.yaml")])
                #expect(output.status == 2, "\(command)")
                let lines = output.standardError.split(separator: "\n")
                #expect(lines.filter { $0.contains(": error: unknown key 'k") }.count == 50, "\(command)")
                #expect(output.standardError.contains("\n... and 99950 more problems (only the first 50 are shown)\n"), "\(command)")
                #expect(output.standardError.utf8.count < 20_000, "\(command): \(output.standardError.utf8.count) bytes")
            }
        }
    }

    @Test func aNulByteIsReportedAtItsLineAndColumn() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.pipeline().replacingOccurrences(of: "project_id: p", with: "project_id: p\u{0}"), to: "p.yaml")
            let output = try await BinaryHarness.run(["validate", directory.file("p.yaml")])
            #expect(output.status == 2)
            #expect(
                output.standardError.contains("p.yaml:4:16: error: invalid YAML: control characters are not allowed (U+0000)"),
                "\(output.standardError)")
        }
    }
}
