import ExportStageKit
import ExportStageTesting
import Foundation
import GzipManifestStage
import TestSupport

/// A night's output directory with real files: a JSON Lines artifact, two
/// downloaded "archives" (task-1 extracted), and the manifest listing them.
struct ManifestFixture {
    let directory: TemporaryDirectory
    var manifest: String { directory.file("manifest.json.gz") }
    var artifact: String { directory.file("results.jsonl") }
    var firstArchive: String { directory.file("downloads/task-1.zip") }
    var secondArchive: String { directory.file("downloads/task-3.zip") }
    var hashedEntry: String { directory.file("extracted/task-1/vul.csv") }
    var unhashedEntry: String { directory.file("extracted/task-1/sub/readme.txt") }
    /// Artifact, two archives, two extracted files.
    static let fileCount = 5

    /// Writes the files and, through the real stage, the manifest.
    static func make(in directory: TemporaryDirectory) async throws -> ManifestFixture {
        let fixture = ManifestFixture(directory: directory)
        for folder in ["downloads", "extracted/task-1/sub", "extracted/task-1/notes"] {
            try FileManager.default.createDirectory(atPath: directory.file(folder), withIntermediateDirectories: true)
        }
        let context = SampleResults.context()
        let jsonl = try AtomicFileWriter.write("{\"task_id\":\"task-1\"}\n", to: fixture.artifact)
        context.publish(Artifact(stage: "jsonl", path: fixture.artifact, bytes: jsonl.bytes, sha256: jsonl.sha256))

        let csv = try AtomicFileWriter.write("id,severity\nCVE-1,high\n", to: fixture.hashedEntry)
        let readme = try AtomicFileWriter.write("read me\n", to: fixture.unhashedEntry)
        let first = try AtomicFileWriter.write(
            Array("PK\u{3}\u{4} pretend zip of task 1".utf8) + [UInt8](repeating: 7, count: 300), to: fixture.firstArchive)
        let second = try AtomicFileWriter.write("PK\u{3}\u{4} pretend zip of task 3", to: fixture.secondArchive)

        var one = SampleResults.succeeded()
        one.exportName = "nightly-vul"
        one.download = DownloadedArchive(
            path: fixture.firstArchive, bytes: first.bytes, sha256: first.sha256,
            entries: [
                ArchiveEntry(name: "vul.csv", compressedSize: 20, uncompressedSize: csv.bytes, crc32: 1, sha256: csv.sha256),
                ArchiveEntry(name: "notes/", compressedSize: 0, uncompressedSize: 0, crc32: 0),
                ArchiveEntry(name: "sub/readme.txt", compressedSize: 8, uncompressedSize: readme.bytes, crc32: 2),
            ],
            extractedTo: directory.file("extracted/task-1"))
        var three = SampleResults.succeeded(id: "task-3")
        three.download = DownloadedArchive(path: fixture.secondArchive, bytes: second.bytes, sha256: second.sha256)
        try await StageHarness(GzipManifestStage.self, directory: directory.path).run(
            "path: manifest.json.gz\nreproducible: true", results: [one, SampleResults.errored(), three], context: context)
        return fixture
    }

    /// Flips one bit of the byte at `offset`.
    static func flipByte(of path: String, at offset: Int) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Keeps only the first `count` bytes.
    static func truncate(_ path: String, to count: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(count)
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// The SHA-256 of `path` now.
    static func sha256(_ path: String) throws -> String {
        try FileDigest.ofFile(at: path).sha256
    }

    /// Writes `json` gzip-compressed to `path`, for manifests the stage would not write.
    static func writeGzip(_ json: String, to path: String) throws {
        let file = try AtomicFileWriter(destination: path)
        let writer = try GzipWriter(writingTo: file)
        try writer.write(json)
        try writer.finish()
        _ = try file.commit()
    }
}
