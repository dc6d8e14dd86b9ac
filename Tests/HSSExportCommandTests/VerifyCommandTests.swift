import ExportStageKit
import Foundation
import GzipManifestStage
import Logging
import TestSupport
import Testing

/// `hss-export verify` as a user runs it, on a manifest the real stage wrote.
@Suite struct VerifyCommandTests {
    /// An output directory: results.jsonl, two downloaded archives, and the manifest listing them.
    struct Night {
        let directory: TemporaryDirectory
        var manifest: String { directory.file("manifest.json.gz") }
        var artifact: String { directory.file("results.jsonl") }
        var archive: String { directory.file("downloads/task-1.zip") }
        var otherArchive: String { directory.file("downloads/task-2.zip") }

        static func make(in directory: TemporaryDirectory) async throws -> Night {
            let night = Night(directory: directory)
            try FileManager.default.createDirectory(atPath: directory.file("downloads"), withIntermediateDirectories: true)
            let context = RunContext(
                runID: "run-verify", startedAt: Date(timeIntervalSince1970: 1_764_426_631), pipelineFile: directory.file("nightly.yaml"),
                pipelineSHA256: String(repeating: "0", count: 64), toolVersion: "test", logger: Logger(label: "test"))
            let jsonl = try AtomicFileWriter.write("{\"task_id\":\"task-1\"}\n{\"task_id\":\"task-2\"}\n", to: night.artifact)
            context.publish(Artifact(stage: "jsonl", path: night.artifact, bytes: jsonl.bytes, sha256: jsonl.sha256))
            var results: [ExportResult] = []
            for (index, path) in [night.archive, night.otherArchive].enumerated() {
                let digest = try AtomicFileWriter.write([UInt8](repeating: UInt8(index + 1), count: 1000 + index), to: path)
                results.append(
                    ExportResult(
                        taskID: "task-\(index + 1)", projectID: "p", outcome: .succeeded, runID: "run-verify", exportName: "nightly",
                        download: DownloadedArchive(path: path, bytes: digest.bytes, sha256: digest.sha256)))
            }
            let options = StageOptions(
                ["path": .string("manifest.json.gz"), "reproducible": .bool(true)], declarations: GzipManifestStage.options,
                baseDirectory: directory.path)
            let stage = try GzipManifestStage(options: options, context: StageBuildContext(index: 0, pipelineFile: directory.file("nightly.yaml")))
            for result in results { try await stage.receive(result, context: context) }
            let summary = RunSummary(
                runID: "run-verify", startedAt: context.startedAt, finishedAt: context.startedAt.addingTimeInterval(5), results: results)
            try await stage.finish(summary: summary, context: context)
            return night
        }
    }

    func verify(_ arguments: [String], in directory: String? = nil) async throws -> ProcessOutput {
        try await ProcessRunner.run(PackagePaths.binary, ["verify"] + arguments, currentDirectory: directory)
    }

    @Test func aFreshNightExitsZero() async throws {
        try await withTemporaryDirectory { directory in
            let night = try await Night.make(in: directory)
            let output = try await verify([night.manifest])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "verified 3 files: all match\n")
            #expect(output.standardError == "")
        }
    }

    @Test func aRelativeManifestPathWorksFromItsDirectory() async throws {
        try await withTemporaryDirectory { directory in
            _ = try await Night.make(in: directory)
            let output = try await verify(["manifest.json.gz"], in: directory.path)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "verified 3 files: all match\n")
        }
    }

    @Test func oneFlippedByteExitsOneNamingTheArchive() async throws {
        try await withTemporaryDirectory { directory in
            let night = try await Night.make(in: directory)
            let before = try FileDigest.ofFile(at: night.archive).sha256
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: night.archive)))
            bytes[500] ^= 0x80
            try Data(bytes).write(to: URL(fileURLWithPath: night.archive))
            let after = try FileDigest.ofFile(at: night.archive).sha256

            let output = try await verify([night.manifest])
            #expect(output.status == 1)
            #expect(output.standardOutput == "changed: \(night.archive) (sha256 was \(before), is \(after))\n1 of 3 files changed or missing\n")

            let quiet = try await verify(["--quiet", night.manifest])
            #expect(quiet.status == 1)
            #expect(quiet.standardOutput == "changed: \(night.archive) (sha256 was \(before), is \(after))\n")
        }
    }

    @Test func aDeletedArchiveExitsOne() async throws {
        try await withTemporaryDirectory { directory in
            let night = try await Night.make(in: directory)
            try FileManager.default.removeItem(atPath: night.otherArchive)
            let output = try await verify([night.manifest])
            #expect(output.status == 1)
            #expect(output.standardOutput == "missing: \(night.otherArchive)\n1 of 3 files changed or missing\n")
        }
    }

    @Test func jsonPrintsTheWholeReport() async throws {
        try await withTemporaryDirectory { directory in
            let night = try await Night.make(in: directory)
            try FileManager.default.removeItem(atPath: night.otherArchive)
            let output = try await verify(["--json", night.manifest])
            #expect(output.status == 1)
            #expect(output.standardOutput.hasSuffix("}\n"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
            #expect(report["manifest"] as? String == night.manifest)
            #expect(report["manifest_version"] as? Int == 2)
            #expect(report["run_id"] as? String == "run-verify")
            #expect(report["files"] as? Int == 3)
            #expect(report["problems"] as? Int == 1)
            #expect(report["all_match"] as? Bool == false)
            let items = try #require(report["items"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["ok", "ok", "missing"])
            #expect(items.map { $0["kind"] as? String } == ["artifact", "archive", "archive"])
            #expect(items.map { $0["path"] as? String } == [night.artifact, night.archive, night.otherArchive])
        }
    }

    @Test func quietPrintsNothingWhenAllMatch() async throws {
        try await withTemporaryDirectory { directory in
            let night = try await Night.make(in: directory)
            let output = try await verify(["-q", night.manifest])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput == "")
        }
    }

    @Test func aGarbageManifestExitsTwoNamingTheFile() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("this is not a manifest", to: "manifest.json.gz")
            let output = try await verify([directory.file("manifest.json.gz")])
            #expect(output.status == 2)
            #expect(output.standardOutput == "")
            #expect(
                output.standardError
                    == "cannot read manifest \(directory.file("manifest.json.gz")): gzip: not a gzip file: it starts with 74 68, not 1f 8b (fix: give the gzip-compressed file, e.g. manifest.json.gz)\n"
            )
        }
    }

    @Test func aMissingManifestExitsTwo() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await verify([directory.file("nope.json.gz")])
            #expect(output.status == 2)
            #expect(
                output.standardError.contains("cannot read manifest \(directory.file("nope.json.gz")): could not open: No such file or directory"))
        }
    }

    @Test func quietAndJSONTogetherAreABadInvocation() async throws {
        let output = try await verify(["--quiet", "--json", "manifest.json.gz"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("give --quiet or --json, not both"))
    }

    @Test func helpShowsTheExampleAndExitCodes() async throws {
        let output = try await ProcessRunner.run(PackagePaths.binary, ["verify", "--help"])
        #expect(output.status == 0)
        // Help is wrapped to the terminal's width; compare words, not lines.
        let words = output.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("$ hss-export verify /srv/hss/2026-11-29/manifest.json.gz"))
        #expect(words.contains("Exits 0 when every file matches, 1 when any file changed or is missing, 2 when the manifest cannot be read."))
    }
}
