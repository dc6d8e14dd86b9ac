import ExportStageKit
import ExportStageTesting
import Foundation
import GzipManifestStage
import TestSupport
import Testing

@Suite("gzip-manifest stage")
struct GzipManifestStageTests {
    /// The options most tests use: the default name, reproducible bytes.
    static let reproducibleOptions = """
        path: manifest.json.gz
        reproducible: true
        """

    static let sampleArtifact = Artifact(stage: "jsonl", path: "/srv/hss/results.jsonl", bytes: 1234, sha256: String(repeating: "ab", count: 32))

    static let goldenSucceeded =
        #"{"task_id":"task-1","task_name":"vul export","task_status":"success","file_id":"file-task-1","file_name":"task-1.zip","project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"succeeded","error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
    static let goldenErrored =
        #"{"task_id":"task-2","task_name":null,"task_status":null,"file_id":null,"file_name":null,"project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":null,"outcome":"error","error":{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"},"polls":1,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:31.323Z","wait_seconds":0.2,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#

    /// The whole document for one succeeded and one errored task and ``sampleArtifact``.
    static let goldenManifest =
        #"{"manifest_version":2,"run_id":"run-1","pipeline":{"path":"/tmp/test.pipeline.yaml","sha256":"0000000000000000000000000000000000000000000000000000000000000000"},"#
        + #""tool_version":"0.0.0-test","started_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:34.123Z","#
        + #""summary":{"run_id":"run-1","started_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:34.123Z","duration_seconds":3,"tasks":2,"#
        + #""outcomes":{"succeeded":1,"failed":0,"timed_out":0,"error":1,"interrupted":0},"interrupted":false},"#
        + #""results":["# + goldenSucceeded + "," + goldenErrored + "],"
        + #""artifacts":[{"stage":"jsonl","path":"/srv/hss/results.jsonl","bytes":1234,"sha256":"abababababababababababababababababababababababababababababababab"}],"archives":[]}"#

    /// Runs a stage built from `options` over the golden inputs.
    func writeGoldenInputs(_ options: String, in directory: TemporaryDirectory) async throws {
        let context = SampleResults.context()
        context.publish(Self.sampleArtifact)
        try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
            options, results: [SampleResults.succeeded(), SampleResults.errored()], context: context)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func writesTheGoldenDocument() async throws {
        try await withTemporaryDirectory { directory in
            try await writeGoldenInputs(Self.reproducibleOptions, in: directory)
            try await GzipTool.expectIntact(directory.file("manifest.json.gz"))
            #expect(try await GzipTool.decompressedText(directory.file("manifest.json.gz")) == Self.goldenManifest)
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")), arguments: 0...9, [true, false])
    func everyValidOptionWritesAValidManifest(level: Int, reproducible: Bool) async throws {
        try await withTemporaryDirectory { directory in
            try await writeGoldenInputs("path: manifest.json.gz\nlevel: \(level)\nreproducible: \(reproducible)", in: directory)
            let path = directory.file("manifest.json.gz")
            try await GzipTool.expectIntact(path)
            #expect(try await GzipTool.decompressedText(path) == Self.goldenManifest)
            let header = try GzipTool.bytes(path).prefix(10)
            #expect(header[8] == (level == 9 ? 2 : level < 2 ? 4 : 0))
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func everyFieldParsesAsExpected() async throws {
        try await withTemporaryDirectory { directory in
            let context = SampleResults.context()
            context.publish(Self.sampleArtifact)
            let results = [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()]
            try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
                Self.reproducibleOptions, results: results, context: context)

            let text = try await GzipTool.decompressedText(directory.file("manifest.json.gz"))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(
                Set(document.keys) == [
                    "manifest_version", "run_id", "pipeline", "tool_version", "started_at", "finished_at", "summary", "results", "artifacts",
                    "archives",
                ])
            #expect(document["manifest_version"] as? Int == 2)
            #expect((document["archives"] as? [Any])?.isEmpty == true)
            #expect(document["run_id"] as? String == "run-1")
            let pipeline = try #require(document["pipeline"] as? [String: Any])
            #expect(pipeline["path"] as? String == "/tmp/test.pipeline.yaml")
            #expect(pipeline["sha256"] as? String == String(repeating: "0", count: 64))
            #expect(document["tool_version"] as? String == "0.0.0-test")
            #expect(document["started_at"] as? String == "2025-11-29T14:30:31.123Z")
            #expect(document["finished_at"] as? String == "2025-11-29T14:30:34.123Z")

            let summary = try #require(document["summary"] as? [String: Any])
            #expect(summary["tasks"] as? Int == 3)
            #expect(summary["interrupted"] as? Bool == false)
            let outcomes = try #require(summary["outcomes"] as? [String: Int])
            #expect(outcomes == ["succeeded": 1, "failed": 1, "timed_out": 0, "error": 1, "interrupted": 0])

            let records = try #require(document["results"] as? [[String: Any]])
            #expect(records.count == 3)
            #expect(records.map { $0["task_id"] as? String } == ["task-1", "task-2", "task-3"])
            for record in records {
                #expect(Set(record.keys) == Set(ExportResult.fieldNames))
            }
            #expect(records[2]["task_name"] as? String == SampleResults.tricky().taskName)
            #expect(records[1]["task_name"] is NSNull)
            let error = try #require(records[1]["error"] as? [String: Any])
            #expect(error["code"] as? String == "HSS.1059")
            #expect(error["message"] as? String == #"export task "task-2" not found"#)
            #expect(error["request_id"] as? String == "req-42")
            #expect(records[0]["wait_seconds"] as? Double == 2.5)

            let artifacts = try #require(document["artifacts"] as? [[String: Any]])
            #expect(artifacts.count == 1)
            #expect(artifacts[0]["stage"] as? String == "jsonl")
            #expect(artifacts[0]["path"] as? String == "/srv/hss/results.jsonl")
            #expect(artifacts[0]["bytes"] as? Int == 1234)
            #expect(artifacts[0]["sha256"] as? String == String(repeating: "ab", count: 32))
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func listedArtifactsMatchTheFilesOnDisk() async throws {
        try await withTemporaryDirectory { directory in
            let context = SampleResults.context()
            // Real files from "earlier stages", published as those stages would.
            let files = ["results.jsonl": "{\"a\":1}\n{\"b\":2}\n", "results.csv": "task_id\ntask-1\n", "empty.prom": ""]
            for (name, content) in files.sorted(by: { $0.key < $1.key }) {
                let digest = try AtomicFileWriter.write(content, to: directory.file(name))
                context.publish(Artifact(stage: "stage-\(name)", path: directory.file(name), bytes: digest.bytes, sha256: digest.sha256))
            }
            try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
                Self.reproducibleOptions, results: [SampleResults.succeeded()], context: context)

            let text = try await GzipTool.decompressedText(directory.file("manifest.json.gz"))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let listed = try #require(document["artifacts"] as? [[String: Any]])
            #expect(listed.compactMap { $0["path"] as? String } == files.keys.sorted().map(directory.file))
            for artifact in listed {
                let path = try #require(artifact["path"] as? String)
                let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                #expect(artifact["bytes"] as? Int == size)
                #expect(artifact["sha256"] as? String == (try await GzipTool.sha256sum(path)))
            }

            // The manifest lists only the stages before it, then publishes itself.
            let published = context.artifacts
            #expect(published.count == files.count + 1)
            let manifest = try #require(published.last)
            #expect(manifest.stage == "gzip-manifest")
            #expect(manifest.path == directory.file("manifest.json.gz"))
            #expect(manifest.sha256 == (try await GzipTool.sha256sum(manifest.path)))
            #expect(manifest.bytes == (try GzipTool.bytes(manifest.path)).count)
        }
    }

    @Test func reproducibleRunsGiveIdenticalBytes() async throws {
        try await withTemporaryDirectory { directory in
            // Different file names, same run: without FNAME the bytes must match.
            try await writeGoldenInputs("path: first.json.gz\nreproducible: true", in: directory)
            try await writeGoldenInputs("path: second.json.gz\nreproducible: true", in: directory)
            let first = try GzipTool.bytes(directory.file("first.json.gz"))
            let second = try GzipTool.bytes(directory.file("second.json.gz"))
            #expect(first == second)
            #expect(Array(first.prefix(10)) == [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff])
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func defaultHeaderRecordsNameAndTime() async throws {
        try await withTemporaryDirectory { directory in
            let before = UInt32(Date().timeIntervalSince1970)
            try await writeGoldenInputs("path: archive.json.gz", in: directory)
            let after = UInt32(Date().timeIntervalSince1970.rounded(.up))
            let bytes = try GzipTool.bytes(directory.file("archive.json.gz"))
            #expect(bytes[3] == 0x08, "FLG announces FNAME")
            let mtime = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
            #expect((before...after).contains(mtime))
            #expect(Array(bytes[10..<23]) == Array("archive.json".utf8) + [0])

            // gzip -N restores the recorded name, whatever the file is called now.
            try FileManager.default.moveItem(atPath: directory.file("archive.json.gz"), toPath: directory.file("renamed.gz"))
            let output = try await ProcessRunner.run(try GzipTool.gzip(), ["-d", "-N", directory.file("renamed.gz")])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(try directory.entries() == ["archive.json"])
            #expect(try directory.read("archive.json") == Self.goldenManifest)
        }
    }

    @Test func nameWithoutGzSuffixIsRecordedWhole() async throws {
        try await withTemporaryDirectory { directory in
            try await writeGoldenInputs("path: manifest.bin\nreproducible: false", in: directory)
            let bytes = try GzipTool.bytes(directory.file("manifest.bin"))
            #expect(Array(bytes[10..<23]) == Array("manifest.bin".utf8) + [0])
        }
    }

    @Test func defaultsAreLevelSixAndNotReproducible() throws {
        try withTemporaryDirectoryBlocking { directory in
            let stage = try StageHarness(GzipManifestStage.self, directory: directory.path).build("path: manifest.json.gz")
            #expect(stage.level == 6)
            #expect(stage.reproducible == false)
            #expect(stage.path == directory.file("manifest.json.gz"))
        }
    }

    @Test func declaresItsOptions() {
        #expect(GzipManifestStage.typeName == "gzip-manifest")
        let options = GzipManifestStage.options
        #expect(options.map(\.name) == ["path", "level", "reproducible"])
        #expect(options.map(\.kind) == [.outputPath, .integer(0...9), .bool])
        #expect(options.map(\.defaultValue) == [nil, .integer(6), .bool(false)])
        #expect(options.map(\.isRequired) == [true, false, false])
    }

    @Test func levelOutsideTheRangeIsRejectedWhenBuiltFromCode() throws {
        try withTemporaryDirectoryBlocking { directory in
            // The loader refuses `level: 10` itself (the option is declared 0...9),
            // so only code building the stage directly reaches its own check.
            let options = StageOptions(
                ["path": .string("manifest.json.gz"), "level": .integer(10)], declarations: GzipManifestStage.options, baseDirectory: directory.path)
            let context = StageBuildContext(index: 0, pipelineFile: directory.file("p.yaml"))
            let error = try #require(throws: StageOptionError.self) { try GzipManifestStage(options: options, context: context) }
            #expect(error.option == "level")
            #expect(error.description == "option 'level': 10 is outside 0...9; use 0 (store only) to 9 (smallest output); the default is 6")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func replacesAnExistingManifestAndLeavesNoTemporaryFiles() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("not gzip at all", to: "manifest.json.gz")
            try await writeGoldenInputs(Self.reproducibleOptions, in: directory)
            #expect(try directory.entries() == ["manifest.json.gz"])
            #expect(try await GzipTool.decompressedText(directory.file("manifest.json.gz")) == Self.goldenManifest)
        }
    }

    @Test func nothingIsWrittenBeforeFinish() async throws {
        try await withTemporaryDirectory { directory in
            let stage = try StageHarness(GzipManifestStage.self, directory: directory.path).build(Self.reproducibleOptions)
            try await stage.receive(SampleResults.succeeded(), context: SampleResults.context())
            #expect(try directory.entries() == [])
        }
    }

    @Test func missingDirectoryFailsWithoutPublishing() async throws {
        try await withTemporaryDirectory { directory in
            // The loader refuses a directory that is missing when the run
            // starts, so this one goes away after loading.
            try FileManager.default.createDirectory(atPath: directory.file("missing"), withIntermediateDirectories: false)
            let harness = try StageHarness(GzipManifestStage.self, directory: directory.path)
            let stage = try harness.build("path: missing/manifest.json.gz\nreproducible: true")
            try FileManager.default.removeItem(atPath: directory.file("missing"))
            let context = SampleResults.context()
            await #expect(throws: OutputFileError.self) {
                try await harness.run(stage, results: [SampleResults.succeeded()], context: context)
            }
            #expect(context.artifacts.isEmpty)
            #expect(try directory.entries() == [])
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func aRunWithoutTasksListsNoResults() async throws {
        try await withTemporaryDirectory { directory in
            try await StageHarness(GzipManifestStage.self, directory: directory.path).run(Self.reproducibleOptions, results: [])
            let text = try await GzipTool.decompressedText(directory.file("manifest.json.gz"))
            #expect(text.hasSuffix(#","results":[],"artifacts":[],"archives":[]}"#))
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func manyResultsAreAllListedInOrder() async throws {
        try await withTemporaryDirectory { directory in
            // Enough records to cross several 64 KiB pieces.
            let results = (0..<2000).map { SampleResults.succeeded(id: "task-\($0)") }
            try await StageHarness(GzipManifestStage.self, directory: directory.path).run(Self.reproducibleOptions, results: results)
            let text = try await GzipTool.decompressedText(directory.file("manifest.json.gz"))
            #expect(text.utf8.count > 4 * 64 * 1024)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let records = try #require(document["results"] as? [[String: Any]])
            #expect(records.compactMap { $0["task_id"] as? String } == results.map(\.taskID))
        }
    }
}
