import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

/// `path: -` as a user runs it: the stage's output, and nothing else, on
/// stdout; and `path: /dev/stdout`, which replaced the system's link when
/// run as root, refused before any request.
@Suite(.serialized) struct BinaryStandardOutputTests {
    /// A pipeline writing the tasks' JSON Lines to `output` (a YAML scalar), with `extra` stages after it.
    func pipeline(url: URL, output: String, extra: String = "") -> String {
        BinaryHarness.pipeline(url: url, tasks: ["bad-3", "ok-1", "ok-2"], output: output, extra: extra)
    }

    @Test func devStdoutIsRefusedBeforeAnyRequestAndStaysALink() async throws {
        try #require(NonRegularPath.isSymbolicLink("/dev/stdout"), "/dev/stdout should be a symbolic link here")
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/dev/stdout")
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write(pipeline(url: url, output: "/dev/stdout"), to: "p.yaml")
                for command in ["validate", "run"] {
                    let output = try await BinaryHarness.run([command, directory.file("p.yaml")])
                    #expect(output.status == 2, "\(command): \(output.standardError)")
                    #expect(
                        output.standardError.contains(
                            "p.yaml:14:11: error: option 'path' of stage 'jsonl': /dev/stdout is a symbolic link to \(target), not a regular file"),
                        "\(command): \(output.standardError)")
                    #expect(
                        output.standardError.contains(
                            "use `path: \"-\"` to write to stdout (quoted: a bare - starts a YAML list), or the path of a regular file"))
                    #expect(output.standardOutput.isEmpty, "\(command): \(output.standardOutput)")
                }
                #expect(await simulator.statistics.totalRequests == 0)
            }
        }
        #expect(NonRegularPath.isSymbolicLink("/dev/stdout"), "/dev/stdout is still a symbolic link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/dev/stdout") == target)
    }

    @Test func jsonLinesToStandardOutputAreTheFileBytesAndNothingElse() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                // The same records to a file too, to compare byte for byte.
                let extra = "  - type: jsonl\n    path: copy.jsonl"
                try directory.write(pipeline(url: url, output: #""-""#, extra: extra), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], in: directory.path)
                #expect(output.status == 1, "a task fails: \(output.standardError)")
                let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == 4 && lines.last == "", "three lines, each ended by a newline: \(output.standardOutput)")
                let records = try lines.dropLast().map { line in
                    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
                }
                #expect(records.map { $0["task_id"] as? String } == ["bad-3", "ok-1", "ok-2"])
                #expect(output.standardOutput == (try directory.read("copy.jsonl")))
                // The run's summary is not on stdout; it goes to stderr.
                #expect(output.standardError.contains("3 tasks"), "\(output.standardError)")
                #expect(try directory.entries() == ["copy.jsonl", "p.yaml"], "no file named '-'")
            }
        }
    }

    @Test func csvToStandardOutputParsesAsTheFileDoes() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let stages = """
                      - type: csv
                        path: "-"
                        columns: [task_id, task_name, outcome, error]
                      - type: csv
                        path: copy.csv
                        columns: [task_id, task_name, outcome, error]
                    """
                let text = pipeline(url: url, output: "results.jsonl", extra: stages)
                try directory.write(text, to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], in: directory.path)
                #expect(output.status == 1, "\(output.standardError)")
                let rows = Self.parseCSV(output.standardOutput)
                #expect(rows.first == ["task_id", "task_name", "outcome", "error"])
                #expect(rows.dropFirst().map { $0[0] } == ["bad-3", "ok-1", "ok-2"])
                #expect(rows.dropFirst().map { $0[2] } == ["failed", "succeeded", "succeeded"])
                #expect(rows.allSatisfy { $0.count == 4 }, "\(rows)")
                #expect(output.standardOutput == (try directory.read("copy.csv")))
                #expect(output.standardOutput.hasSuffix("\r\n"))
                #expect(output.standardError.contains("3 tasks"), "\(output.standardError)")
            }
        }
    }

    @Test func twoStagesWritingStandardOutputAreALocatedErrorBeforeAnyRequest() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                let extra = "  - type: csv\n    path: '-'"
                try directory.write(pipeline(url: url, output: #""-""#, extra: extra), to: "p.yaml")
                for command in ["validate", "run"] {
                    let output = try await BinaryHarness.run([command, directory.file("p.yaml")])
                    #expect(output.status == 2, "\(command): \(output.standardError)")
                    #expect(
                        output.standardError.contains("p.yaml:16:11: error: stage 2 writes standard output, which stage 1 writes already"),
                        "\(command): \(output.standardError)")
                    #expect(output.standardOutput.isEmpty)
                }
                #expect(await simulator.statistics.totalRequests == 0)
                #expect(try directory.entries() == ["p.yaml"])
            }
        }
    }

    @Test func aStageThatCannotWriteStandardOutputNamesTheOnesThatCan() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let extra = "  - type: gzip-manifest\n    path: '-'"
                try directory.write(pipeline(url: url, output: "results.jsonl", extra: extra), to: "p.yaml")
                let output = try await BinaryHarness.run(["validate", directory.file("p.yaml")])
                #expect(output.status == 2)
                #expect(
                    output.standardError.contains(
                        "p.yaml:16:11: error: option 'path' of stage 'gzip-manifest': '-' means standard output, which stage 'gzip-manifest' cannot write; "
                            + "give the path of a regular file; only the jsonl and csv stages can write standard output (path: \"-\")"),
                    "\(output.standardError)")
            }
        }
    }

    @Test func aManifestBesideAStandardOutputStageListsNoDashAndVerifies() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let extra = "  - type: csv\n    path: results.csv\n  - type: gzip-manifest\n    path: manifest.json.gz"
                try directory.write(pipeline(url: url, output: #""-""#, extra: extra), to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")], in: directory.path)
                #expect(output.status == 1, "\(output.standardError)")
                let verify = try await BinaryHarness.run(["verify", "--json", directory.file("manifest.json.gz")])
                #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
                #expect(verify.standardOutput.contains("results.csv"))
                #expect(!verify.standardOutput.contains(#""path":"-""#) && !verify.standardOutput.contains("/-\""), "\(verify.standardOutput)")
            }
        }
    }

    @Test func aReaderThatLeftFailsTheStageAndTheOtherOutputsAreStillCommitted() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let extra = "  - type: jsonl\n    path: copy.jsonl"
                try directory.write(pipeline(url: url, output: #""-""#, extra: extra), to: "p.yaml")
                // `true` exits at once, so the commit's write finds no reader (EPIPE, and a SIGPIPE that must not kill the run).
                let output = try await ProcessRunner.run(
                    "/bin/bash", ["-c", #"set -o pipefail; "$0" run "$1" | true"#, PackagePaths.binary, directory.file("p.yaml")],
                    environment: BinaryHarness.tokenEnvironment, currentDirectory: directory.path)
                #expect(output.status == 4, "\(output.standardError)")
                #expect(
                    output.standardError.contains("stage 1 (jsonl) failed: standard output: could not write: Broken pipe"), "\(output.standardError)")
                #expect(try BinaryHarness.jsonLines(try directory.read("copy.jsonl")).count == 3)
            }
        }
    }

    /// RFC 4180 rows: quoted cells may hold commas, quotes (doubled) and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        cell.unicodeScalars.append(characters.removeFirst())
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(cell)
                cell = ""
            case "\r": continue
            case "\n":
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            default: cell.unicodeScalars.append(character)
            }
        }
        return rows
    }
}
