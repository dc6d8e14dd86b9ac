import ExportStageKit
import Foundation
import GzipManifestStage
import TestSupport
import Testing

@Suite("ManifestVerifier")
struct ManifestVerifierTests {
    @Test func aFreshNightVerifiesCompletely() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(report.allMatch)
            #expect(report.manifestVersion == 2)
            #expect(report.runID == "run-1")
            #expect(
                report.files.map(\.path) == [
                    fixture.artifact, fixture.firstArchive, fixture.hashedEntry, fixture.unhashedEntry, fixture.secondArchive,
                ])
            #expect(report.files.map(\.kind) == [.artifact, .archive, .extractedFile, .extractedFile, .archive])
            #expect(report.files.map(\.stage) == ["jsonl", nil, nil, nil, nil])
            #expect(report.files.map(\.taskID) == [nil, "task-1", "task-1", "task-1", "task-3"])
            #expect(report.problemLines == [])
            #expect(report.summaryLine == "verified 5 files: all match")
            // The hashed files were hashed; the entry without a SHA-256 only measured.
            #expect(report.files[1].actualSHA256 == (try ManifestFixture.sha256(fixture.firstArchive)))
            #expect(report.files[3].actualSHA256 == nil)
            #expect(report.files[3].actualBytes == 8)
        }
    }

    @Test func oneFlippedByteInAnArchiveIsAChangedSHA256() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            let before = try ManifestFixture.sha256(fixture.firstArchive)
            try ManifestFixture.flipByte(of: fixture.firstArchive, at: 100)
            let after = try ManifestFixture.sha256(fixture.firstArchive)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(!report.allMatch)
            #expect(report.problems.map(\.status) == [.changedSHA256])
            #expect(report.problemLines == ["changed: \(fixture.firstArchive) (sha256 was \(before), is \(after))"])
            #expect(report.summaryLine == "1 of 5 files changed or missing")
        }
    }

    @Test func aDeletedArchiveIsMissing() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            try FileManager.default.removeItem(atPath: fixture.secondArchive)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(report.problemLines == ["missing: \(fixture.secondArchive)"])
            #expect(report.problems.first?.actualBytes == nil)
            #expect(report.summaryLine == "1 of 5 files changed or missing")
        }
    }

    @Test func aTruncatedArtifactIsAChangedSize() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            let size = try FileDigest.ofFile(at: fixture.artifact).bytes
            try ManifestFixture.truncate(fixture.artifact, to: 5)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(report.problems.map(\.status) == [.changedSize])
            #expect(report.problemLines == ["changed: \(fixture.artifact) (size was \(size) bytes, is 5 bytes)"])
        }
    }

    @Test func changedExtractedFilesAreFoundByHashOrBySize() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            try ManifestFixture.flipByte(of: fixture.hashedEntry, at: 0)
            try directory.write("read me!\n", to: "extracted/task-1/sub/readme.txt")
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(report.problems.map(\.path) == [fixture.hashedEntry, fixture.unhashedEntry])
            #expect(report.problems.map(\.status) == [.changedSHA256, .changedSize])
            #expect(report.summaryLine == "2 of 5 files changed or missing")

            // Without the extracted files, only the artifact and archives are checked.
            let shallow = try ManifestVerifier(checksExtractedFiles: false).verify(manifestAt: fixture.manifest)
            #expect(shallow.allMatch)
            #expect(shallow.files.count == 3)
        }
    }

    @Test func aDirectoryWhereAFileWasIsUnreadable() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            try FileManager.default.removeItem(atPath: fixture.secondArchive)
            try FileManager.default.createDirectory(atPath: fixture.secondArchive, withIntermediateDirectories: false)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            #expect(report.problemLines == ["unreadable: \(fixture.secondArchive) (is a directory, not a file)"])
        }
    }

    @Test func relativePathsFollowTheManifestWhenTheDirectoryMoves() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory.file("night/downloads"), withIntermediateDirectories: true)
            let archive = try AtomicFileWriter.write("zip bytes", to: directory.file("night/downloads/t.zip"))
            let artifact = try AtomicFileWriter.write("line\n", to: directory.file("night/results.jsonl"))
            let json =
                #"{"manifest_version":2,"run_id":"r","artifacts":[{"stage":"jsonl","path":"results.jsonl","bytes":\#(artifact.bytes),"sha256":"\#(artifact.sha256)"}],"#
                + #""archives":[{"task_id":"t","export":null,"path":"downloads/t.zip","bytes":\#(archive.bytes),"sha256":"\#(archive.sha256)","extracted_to":null,"entries":[]}]}"#
            try ManifestFixture.writeGzip(json, to: directory.file("night/manifest.json.gz"))
            try FileManager.default.moveItem(atPath: directory.file("night"), toPath: directory.file("moved"))

            let report = try ManifestVerifier().verify(manifestAt: directory.file("moved/manifest.json.gz"))
            #expect(report.allMatch)
            #expect(report.files.map(\.path) == [directory.file("moved/results.jsonl"), directory.file("moved/downloads/t.zip")])
        }
    }

    @Test func absolutePathsStayAbsoluteWhenTheDirectoryMoves() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory.file("night"), withIntermediateDirectories: false)
            let fixture = try await ManifestFixture.make(in: TemporaryDirectory(existing: directory.file("night")))
            try FileManager.default.moveItem(atPath: directory.file("night"), toPath: directory.file("moved"))
            let report = try ManifestVerifier().verify(manifestAt: directory.file("moved/manifest.json.gz"))
            #expect(report.problems.map(\.path) == report.files.map(\.path))
            #expect(report.problems.allSatisfy { $0.status == .missing && $0.path.hasPrefix(fixture.directory.path) })
        }
    }

    @Test func versionOneManifestsHaveNoArchives() async throws {
        try await withTemporaryDirectory { directory in
            let artifact = try AtomicFileWriter.write("x", to: directory.file("a.csv"))
            let json =
                #"{"manifest_version":1,"run_id":"old","pipeline":{"path":"p","sha256":"0"},"results":[{"task_id":"t","error":{"x":[1,2,"]"]}}],"#
                + #""artifacts":[{"stage":"csv","path":"\#(directory.file("a.csv"))","bytes":1,"sha256":"\#(artifact.sha256)"}]}"#
            try ManifestFixture.writeGzip(json, to: directory.file("m.json.gz"))
            let report = try ManifestVerifier().verify(manifestAt: directory.file("m.json.gz"))
            #expect(report.manifestVersion == 1)
            #expect(report.summaryLine == "verified 1 file: all match")
        }
    }

    @Test func anUnsafeEntryNameIsNotFollowed() async throws {
        try await withTemporaryDirectory { directory in
            let archive = try AtomicFileWriter.write("zip", to: directory.file("t.zip"))
            let json =
                #"{"manifest_version":2,"run_id":"r","artifacts":[],"archives":[{"task_id":"t","export":null,"path":"t.zip","bytes":3,"#
                + #""sha256":"\#(archive.sha256)","extracted_to":"out","entries":[{"name":"../t.zip","compressed_bytes":1,"uncompressed_bytes":3,"#
                + #""crc32":"00000000","sha256":null}]}]}"#
            try ManifestFixture.writeGzip(json, to: directory.file("m.json.gz"))
            let report = try ManifestVerifier().verify(manifestAt: directory.file("m.json.gz"))
            #expect(
                report.problemLines == ["unreadable: \(directory.file("out/../t.zip")) (the entry name leaves \(directory.file("out")); not checked)"]
            )
        }
    }

    @Test func theJSONReportListsEveryFile() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            try FileManager.default.removeItem(atPath: fixture.secondArchive)
            let report = try ManifestVerifier().verify(manifestAt: fixture.manifest)
            let json = report.jsonValue
            #expect(json["files"] == .integer(5))
            #expect(json["problems"] == .integer(1))
            #expect(json["all_match"] == .bool(false))
            guard case .object(let top) = json, case .array(let items)? = json["items"] else {
                Issue.record("not an object with items")
                return
            }
            #expect(top.map(\.key) == ["manifest", "manifest_version", "run_id", "files", "problems", "all_match", "items"])
            #expect(
                items[4].serialized
                    == #"{"kind":"archive","path":"\#(fixture.secondArchive)","stage":null,"task_id":"task-3","status":"missing","#
                    + #""expected_bytes":\#(report.files[4].expectedBytes),"actual_bytes":null,"expected_sha256":"\#(report.files[4].expectedSHA256!)","#
                    + #""actual_sha256":null,"reason":null}"#)
        }
    }
}

@Suite("ManifestDocument: refusing what is not a manifest")
struct ManifestDocumentErrorTests {
    func readError(_ json: String) throws -> ManifestReadError {
        try withTemporaryDirectoryBlocking { directory in
            try ManifestFixture.writeGzip(json, to: directory.file("m.json.gz"))
            let error = try #require(throws: ManifestReadError.self) { try ManifestDocument.read(contentsOf: directory.file("m.json.gz")) }
            #expect(error.path == directory.file("m.json.gz"))
            return error
        }
    }

    static let validArchive =
        #"{"task_id":"t","export":null,"path":"/a.zip","bytes":1,"sha256":"\#(String(repeating: "a", count: 64))","extracted_to":null,"#
        + #""entries":[{"name":"x","compressed_bytes":1,"uncompressed_bytes":1,"crc32":"0000000a","sha256":null}]}"#

    @Test func aNewerVersionIsRefusedWithAFix() throws {
        let error = try readError(#"{"manifest_version":3,"run_id":"r","artifacts":[],"archives":[]}"#)
        #expect(error.problem == "manifest_version: 3 is not one this hss-export reads (1 to 2)")
        #expect(error.fix == "verify it with the hss-export version that wrote it, or a newer one")
    }

    @Test func jsonWithoutAVersionIsNotAManifest() throws {
        let error = try readError(#"{"hello":"world"}"#)
        #expect(error.problem == "manifest_version: is missing, so this is not a manifest the gzip-manifest stage wrote")
    }

    @Test func versionTwoWithoutArchivesIsRefused() throws {
        #expect(try readError(#"{"manifest_version":2,"run_id":"r","artifacts":[]}"#).problem.hasPrefix("archives: is missing"))
    }

    @Test(arguments: [
        (#""crc32":"0000000a""#, #""crc32":"A""#, #"archives[0].entries[0].crc32: expected a CRC-32 as 8 lower-case hex digits, found "A""#),
        (#""bytes":1,"#, #""bytes":-1,"#, "archives[0].bytes: expected a whole number of at least 0"),
        (#""task_id":"t","#, "", "archives[0].task_id: is missing"),
        (#""entries":["#, #""entries":7,"x":["#, "archives[0].entries: expected an array"),
    ])
    func aBadFieldIsNamedByItsLocation(original: String, replacement: String, problem: String) throws {
        let archive = Self.validArchive.replacingOccurrences(of: original, with: replacement)
        let error = try readError(#"{"manifest_version":2,"run_id":"r","artifacts":[],"archives":["# + archive + "]}")
        #expect(error.problem == problem)
    }

    @Test(arguments: [
        (#"{"manifest_version":2,"run_id":"r""#, "byte 34 of the inflated JSON: not valid JSON: the document ends before its closing '}'"),
        (#"{"manifest_version":2,"run_id":"r"} x"#, "byte 36 of the inflated JSON: not valid JSON: more text after the document's closing '}'"),
        (#"{"manifest_version":2,"results":[}],"run_id":"r"}"#, "byte 33 of the inflated JSON: not valid JSON: unbalanced '}'"),
        (#"[1,2]"#, "byte 0 of the inflated JSON: not valid JSON: expected the manifest's opening '{'"),
        (#"{"manifest_version":2,"run_id":tru}"#, "byte 31 of the inflated JSON: not valid JSON: invalid JSON value"),
    ])
    func brokenJSONNamesTheByte(json: String, problem: String) throws {
        #expect(try readError(json).problem == problem)
    }

    @Test func aGarbageFileIsNotGzip() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("garbage, not gzip", to: "m.json.gz")
            let error = try #require(throws: ManifestReadError.self) { try ManifestDocument.read(contentsOf: directory.file("m.json.gz")) }
            #expect(
                error.description
                    == "cannot read manifest \(directory.file("m.json.gz")): gzip: not a gzip file: it starts with 67 61, not 1f 8b (fix: give the gzip-compressed file, e.g. manifest.json.gz)"
            )
        }
    }

    @Test func aTruncatedManifestSaysSo() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try await ManifestFixture.make(in: directory)
            let size = try FileDigest.ofFile(at: fixture.manifest).bytes
            try ManifestFixture.truncate(fixture.manifest, to: size - 3)
            let error = try #require(throws: ManifestReadError.self) { try ManifestVerifier().verify(manifestAt: fixture.manifest) }
            #expect(error.problem.hasPrefix("gzip: truncated: the input ends after \(size - 3) bytes"))
        }
    }

    @Test func aMissingManifestNamesItsPath() throws {
        try withTemporaryDirectoryBlocking { directory in
            let error = try #require(throws: ManifestReadError.self) { try ManifestVerifier().verify(manifestAt: directory.file("none.json.gz")) }
            #expect(
                error.description
                    == "cannot read manifest \(directory.file("none.json.gz")): could not open: No such file or directory (fix: check the path; the file does not exist)"
            )
        }
    }

    @Test func aManifestLargerThanTheLimitIsRefused() throws {
        try withTemporaryDirectoryBlocking { directory in
            let padding = String(repeating: " ", count: 10_000)
            try ManifestFixture.writeGzip(
                #"{"manifest_version":2,"# + padding + #""run_id":"r","artifacts":[],"archives":[]}"#, to: directory.file("m.json.gz"))
            let error = try #require(throws: ManifestReadError.self) {
                try ManifestVerifier(maximumManifestBytes: 4096).verify(manifestAt: directory.file("m.json.gz"))
            }
            #expect(error.problem.hasPrefix("gzip: the content inflates to more than 4096 bytes"))
            #expect(try ManifestVerifier(maximumManifestBytes: 20_000).verify(manifestAt: directory.file("m.json.gz")).allMatch)
        }
    }
}
