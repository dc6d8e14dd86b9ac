import ExportStageKit
import ExportStageTesting
import Foundation
import JSONLinesStage
import TestSupport
import Testing

@Suite("jsonl stage")
struct JSONLinesStageTests {
    /// A harness that builds the stage from YAML options through the pipeline
    /// loader, resolving relative paths against `directory`.
    func harness(in directory: TemporaryDirectory) throws -> StageHarness<JSONLinesStage> {
        try StageHarness(JSONLinesStage.self, directory: directory.path)
    }

    static let goldenSucceeded =
        #"{"task_id":"task-1","task_name":"vul export","task_status":"success","file_id":"file-task-1","file_name":"task-1.zip","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"succeeded","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenErrored =
        #"{"task_id":"task-2","task_name":null,"task_status":null,"file_id":null,"file_name":null,"project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":null,"outcome":"error","error":{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"},"polls":1,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:31.323Z","wait_seconds":0.2,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenTricky =
        #"{"task_id":"task-3","task_name":"=cmd|' /C calc'!A0, \"quoted\"\nback\\slash, ünïcødé 漏洞","task_status":"failure","file_id":"file-task-3","file_name":"task-3.zip","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"failed","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#

    @Test func writesGoldenLinesInFieldOrder() async throws {
        try await withTemporaryDirectory { directory in
            try await harness(in: directory).run(
                "path: out.jsonl", results: [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()])
            let expected = Self.goldenSucceeded + "\n" + Self.goldenErrored + "\n" + Self.goldenTricky + "\n"
            #expect(try directory.read("out.jsonl") == expected)
        }
    }

    @Test func overwriteReplacesOldContentAndLeavesNoTempFiles() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old line 1\nold line 2\n", to: "out.jsonl")
            try await harness(in: directory).run("path: out.jsonl\nmode: overwrite", results: [SampleResults.succeeded()])
            #expect(try directory.read("out.jsonl") == Self.goldenSucceeded + "\n")
            #expect(try directory.entries() == ["out.jsonl"])
        }
    }

    @Test func overwriteWithNoTasksWritesAnEmptyFile() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old line\n", to: "out.jsonl")
            try await harness(in: directory).run("path: out.jsonl", results: [])
            #expect(try directory.read("out.jsonl") == "")
            #expect(try directory.entries() == ["out.jsonl"])
        }
    }

    @Test(arguments: ["overwrite", "append"])
    func nothingIsWrittenBeforeFinish(mode: String) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old line\n", to: "out.jsonl")
            do {
                let stage = try harness(in: directory).build("path: out.jsonl\nmode: \(mode)")
                // Enough records to pass the stage's internal flush threshold.
                for index in 0..<500 {
                    try await stage.receive(SampleResults.succeeded(id: "task-\(index)"), context: SampleResults.context())
                }
                #expect(try directory.read("out.jsonl") == "old line\n")
            }
            // The stage is gone without finishing, as in a crashed run: the temp file goes with it.
            #expect(try directory.read("out.jsonl") == "old line\n")
            #expect(try directory.entries() == ["out.jsonl"])
        }
    }

    @Test func appendAddsWholeLinesToAnExistingFile() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.goldenErrored + "\n", to: "out.jsonl")
            try await harness(in: directory).run("path: out.jsonl\nmode: append", results: [SampleResults.succeeded(), SampleResults.tricky()])
            let expected = Self.goldenErrored + "\n" + Self.goldenSucceeded + "\n" + Self.goldenTricky + "\n"
            #expect(try directory.read("out.jsonl") == expected)
        }
    }

    @Test func appendCreatesAMissingFile() async throws {
        try await withTemporaryDirectory { directory in
            try await harness(in: directory).run("path: out.jsonl\nmode: append", results: [SampleResults.succeeded()])
            #expect(try directory.read("out.jsonl") == Self.goldenSucceeded + "\n")
        }
    }

    @Test func appendRepairsAFileWithATornLastLineKeepingTheTornBytesBesideIt() async throws {
        try await withTemporaryDirectory { directory in
            let tornLine = #"{"task_id":"task-9","task_na"#
            try directory.write(Self.goldenErrored + "\n" + tornLine, to: "out.jsonl")
            let harness = try harness(in: directory)
            try await harness.run("path: out.jsonl\nmode: append", results: [SampleResults.succeeded()])
            let lines = try directory.read("out.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3 && lines[0] == Self.goldenErrored && lines[2].isEmpty)
            #expect(lines[1].hasPrefix(#"{"task_id":"task-1""#))
            let torn = try directory.entries().filter { $0.hasPrefix("out.jsonl.torn-") }
            #expect(torn.count == 1)
            #expect(try directory.read(torn[0]) == tornLine)
        }
    }

    @Test func escapedStringsRoundTripThroughJSONSerialization() async throws {
        let names = [
            "plain",
            "quote \" and backslash \\ and slash /",
            "line\nfeed, carriage\rreturn, tab\t, nul-ish \u{01}\u{1f}",
            "separators \u{2028}\u{2029} and DEL \u{7f}",
            "ünïcødé 漏洞 🔐 e\u{301}",
        ]
        try await withTemporaryDirectory { directory in
            try await harness(in: directory).run(
                "path: out.jsonl", results: names.enumerated().map { SampleResults.succeeded(id: "t\($0.offset)", name: $0.element) }
            )
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("out.jsonl")))
            #expect(String(data: data, encoding: .utf8) != nil)
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            #expect(lines.count == names.count + 1)
            #expect(lines.last?.isEmpty == true)
            for (line, name) in zip(lines, names) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                #expect(object["task_name"] as? String == name)
                #expect(object.count == ExportResult.fieldNames.count)
            }
        }
    }

    @Test(arguments: ["overwrite", "append"])
    func linesAreTheRecordsJSONLinesAcrossFlushes(mode: String) async throws {
        // Past the flush threshold several times, with every field shape.
        var results: [ExportResult] = []
        for index in 0..<2_000 {
            var result = [SampleResults.succeeded(id: "t\(index)"), SampleResults.errored(id: "t\(index)"), SampleResults.tricky(id: "t\(index)")][
                index % 3]
            result.waitSeconds = [0, 0.0005, 1e20, .nan, 123_456.789, -2][index % 6]
            result.polls = index - 1_000
            result.firstPolledAt = index.isMultiple(of: 7) ? nil : Date(timeIntervalSince1970: Double(index * 86_399) - 1e9)
            result.taskName = index.isMultiple(of: 5) ? "sep \u{2028} ctl \u{1} \(index)" : result.taskName
            results.append(result)
        }
        try await withTemporaryDirectory { directory in
            try await harness(in: directory).run("path: out.jsonl\nmode: \(mode)", results: results)
            #expect(try directory.read("out.jsonl") == results.map(\.jsonLine).joined())
        }
    }

    @Test func publishesTheCommittedFileAsAnArtifact() async throws {
        for mode in ["overwrite", "append"] {
            try await withTemporaryDirectory { directory in
                if mode == "append" { try directory.write(Self.goldenErrored + "\n", to: "out.jsonl") }
                let context = SampleResults.context()
                try await harness(in: directory).run(
                    "path: out.jsonl\nmode: \(mode)", results: [SampleResults.succeeded(), SampleResults.tricky()], context: context
                )
                let digest = try FileDigest.ofFile(at: directory.file("out.jsonl"))
                let size = try #require(try FileManager.default.attributesOfItem(atPath: directory.file("out.jsonl"))[.size] as? Int)
                #expect(digest.bytes == size)
                #expect(
                    context.artifacts == [
                        Artifact(stage: "jsonl", path: directory.file("out.jsonl"), bytes: digest.bytes, sha256: digest.sha256)
                    ])
            }
        }
    }

    /// The stage's own check of `mode`, for a stage built in code: the
    /// harness cannot reach it, because the loader refuses a mode outside the
    /// declared choices before it builds the stage (see the next test), so
    /// this one hands the stage its options directly.
    @Test func rejectsAnUnknownModeBuiltInCode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: StageOptionError.self) {
            let options = StageOptions(
                ["path": .string("out.jsonl"), "mode": .string("truncate")], declarations: JSONLinesStage.options, baseDirectory: directory.path
            )
            _ = try JSONLinesStage(options: options, context: StageBuildContext(index: 0, pipelineFile: directory.file("p.yaml")))
        }
        #expect(error?.description == "option 'mode': unknown mode 'truncate'; use one of overwrite, append")
    }

    @Test func theLoaderRejectsAnUnknownModeInTheOptions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let refusal = #expect(throws: StageHarnessError.self) {
            _ = try harness(in: directory).build("path: out.jsonl\nmode: truncate")
        }
        #expect(refusal?.stageError == nil)
        #expect(
            refusal?.diagnostics == [
                "options:2:11: error: 'mode' of stage 'jsonl' must be one of overwrite, append, not 'truncate'; write one of overwrite, append"
            ])
    }

    @Test func declaresItsOptions() {
        #expect(JSONLinesStage.typeName == "jsonl")
        #expect(JSONLinesStage.options.map(\.name) == ["path", "mode"])
        #expect(JSONLinesStage.options.first?.isRequired == true)
        #expect(JSONLinesStage.options.last?.defaultValue == .string("overwrite"))
    }
}
