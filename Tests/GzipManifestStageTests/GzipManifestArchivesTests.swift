import ExportStageKit
import ExportStageTesting
import Foundation
import GzipManifestStage
import TestSupport
import Testing

@Suite("gzip-manifest stage: archives")
struct GzipManifestArchivesTests {
    static let archiveSHA = String(repeating: "cd", count: 32)
    static let entrySHA = String(repeating: "ef", count: 32)

    /// task-1 downloaded and extracted (one hashed file, one directory entry),
    /// task-2 errored (no download), task-3 downloaded only, with a name to escape.
    static var results: [ExportResult] {
        var first = SampleResults.succeeded()
        first.exportName = "nightly-vul"
        first.download = DownloadedArchive(
            path: "/srv/hss/downloads/task-1.zip", bytes: 5120, sha256: archiveSHA,
            entries: [
                ArchiveEntry(name: "vul.csv", compressedSize: 812, uncompressedSize: 4096, crc32: 0x0A1B_2C3D, sha256: entrySHA),
                ArchiveEntry(name: "notes/", compressedSize: 0, uncompressedSize: 0, crc32: 0),
            ],
            extractedTo: "/srv/hss/extracted/task-1")
        var third = SampleResults.succeeded(id: "task-3")
        third.download = DownloadedArchive(
            path: "/srv/hss/downloads/task-3.zip", bytes: 22, sha256: String(repeating: "0", count: 64),
            entries: [ArchiveEntry(name: "漏洞 \"q\".csv", compressedSize: 10, uncompressedSize: 20, crc32: 0xFFFF_FFFF)])
        return [first, SampleResults.errored(), third]
    }

    static let goldenArchives =
        #""archives":[{"task_id":"task-1","export":"nightly-vul","path":"/srv/hss/downloads/task-1.zip","bytes":5120,"#
        + #""sha256":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd","extracted_to":"/srv/hss/extracted/task-1","#
        + #""entries":[{"name":"vul.csv","compressed_bytes":812,"uncompressed_bytes":4096,"crc32":"0a1b2c3d","#
        + #""sha256":"efefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefef"},"#
        + #"{"name":"notes/","compressed_bytes":0,"uncompressed_bytes":0,"crc32":"00000000","sha256":null}]},"#
        + #"{"task_id":"task-3","export":null,"path":"/srv/hss/downloads/task-3.zip","bytes":22,"#
        + #""sha256":"0000000000000000000000000000000000000000000000000000000000000000","extracted_to":null,"#
        + #""entries":[{"name":"漏洞 \"q\".csv","compressed_bytes":10,"uncompressed_bytes":20,"crc32":"ffffffff","sha256":null}]}]}"#

    static let goldenFirstResult =
        #"{"task_id":"task-1","task_name":"vul export","task_status":"success","file_id":"file-task-1","file_name":"task-1.zip","#
        + #""project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":"0","outcome":"succeeded","#
        + #""error":null,"polls":3,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:33.623Z","wait_seconds":2.5,"#
        + #""run_id":"run-1","export":"nightly-vul","download_path":"/srv/hss/downloads/task-1.zip","download_bytes":5120,"#
        + #""download_sha256":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"}"#

    func writeManifest(_ results: [ExportResult], in directory: TemporaryDirectory) async throws -> String {
        let context = SampleResults.context()
        context.publish(GzipManifestStageTests.sampleArtifact)
        try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
            GzipManifestStageTests.reproducibleOptions, results: results, context: context)
        return directory.file("manifest.json.gz")
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func archivesAreListedExactlyInRecordOrder() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await writeManifest(Self.results, in: directory)
            let text = try await GzipTool.decompressedText(path)
            #expect(text.hasPrefix(#"{"manifest_version":2,"#))
            #expect(
                text.hasSuffix(
                    #""artifacts":[{"stage":"jsonl","path":"/srv/hss/results.jsonl","bytes":1234,"sha256":"#
                        + "\"\(String(repeating: "ab", count: 32))\"}]," + Self.goldenArchives))
            #expect(text.contains(#""results":["# + Self.goldenFirstResult + ","))
        }
    }

    @Test func ourReaderGivesBackTheGoldenDocument() async throws {
        try await withTemporaryDirectory { directory in
            let context = SampleResults.context()
            context.publish(GzipManifestStageTests.sampleArtifact)
            try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
                GzipManifestStageTests.reproducibleOptions, results: [SampleResults.succeeded(), SampleResults.errored()], context: context)
            let text = try GzipReader.decompressFile(at: directory.file("manifest.json.gz"))
            #expect(String(decoding: text, as: UTF8.self) == GzipManifestStageTests.goldenManifest)
        }
    }

    @Test func theDocumentReadsBackAsWritten() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await writeManifest(Self.results, in: directory)
            let document = try ManifestDocument.read(contentsOf: path)
            #expect(document.version == 2)
            #expect(document.runID == "run-1")
            #expect(document.artifacts == [GzipManifestStageTests.sampleArtifact])
            #expect(document.archives == Self.results.compactMap(ManifestArchive.init))
            #expect(document.archives.map(\.taskID) == ["task-1", "task-3"])
        }
    }

    @Test func manyRecordsWithArchivesStayInOrder() async throws {
        try await withTemporaryDirectory { directory in
            // Every third record downloaded: 3000 records cross many 64 KiB pieces.
            let results = (0..<3000).map { index -> ExportResult in
                var result = SampleResults.succeeded(id: "task-\(index)")
                if index % 3 == 0 {
                    result.download = DownloadedArchive(
                        path: "/d/task-\(index).zip", bytes: index, sha256: String(repeating: "1", count: 64),
                        entries: [ArchiveEntry(name: "a.csv", compressedSize: 1, uncompressedSize: 2, crc32: UInt32(index))])
                }
                return result
            }
            let path = try await writeManifest(results, in: directory)
            let document = try ManifestDocument.read(contentsOf: path)
            #expect(document.archives.count == 1000)
            #expect(document.archives.map(\.taskID) == stride(from: 0, to: 3000, by: 3).map { "task-\($0)" })
            #expect(document.archives.map(\.archive.entries[0].crc32) == stride(from: 0, to: 3000, by: 3).map { UInt32($0) })
            // And as any JSON reader sees it.
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(try GzipReader.decompressFile(at: path))) as? [String: Any])
            #expect((parsed["archives"] as? [Any])?.count == 1000)
            #expect((parsed["results"] as? [Any])?.count == 3000)
        }
    }

    @Test func crc32IsAlwaysEightLowerCaseHexDigits() {
        let entry = { (crc: UInt32) in ArchiveEntry(name: "x", compressedSize: 0, uncompressedSize: 0, crc32: crc) }
        let archive = ManifestArchive(
            taskID: "t", archive: DownloadedArchive(path: "/p", bytes: 0, sha256: "", entries: [entry(0), entry(0xF), entry(0xDEAD_BEEF)]))
        guard case .array(let entries)? = archive.jsonValue["entries"] else {
            Issue.record("no entries")
            return
        }
        #expect(entries.map { $0["crc32"] } == [.string("00000000"), .string("0000000f"), .string("deadbeef")])
    }
}
