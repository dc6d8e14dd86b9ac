import ExportArchive
import ExportStageKit
import Foundation
import TestSupport
import Testing
import ZIPFoundation

@Suite("ArchiveExtractor")
struct ArchiveExtractorTests {
    static let limits = ArchiveLimits(maximumUncompressedBytes: 10 << 20, maximumEntries: 100)

    /// Every path under `root`, relative, with `/` after directories.
    private func tree(_ root: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var paths: [String] = []
        while let next = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + next, isDirectory: &isDirectory)
            paths.append(next + (isDirectory.boolValue ? "/" : ""))
        }
        return paths.sorted()
    }

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("extracts files and directories with fixed modes, and returns the absolute target")
    func extracts() throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("export.zip")
            let csv = Array("id,name\n1,a\n".utf8)
            var generator = SeededGenerator(seed: 3)
            let sheet = generator.bytes(200_000)
            try ZipFixtures.make(
                at: archive,
                [
                    FixtureEntry(name: "hss-vul.csv", content: csv, permissions: 0o4777),
                    FixtureEntry(name: "sheets/", type: .directory, permissions: 0o777),
                    FixtureEntry(name: "sheets/deep/x.xlsx", content: sheet, method: .none, permissions: 0o6755),
                    FixtureEntry(name: "empty/", type: .directory),
                ]
            )
            let target = try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("out"), limits: Self.limits)
            #expect(target == directory.file("out"))
            #expect(try tree(target) == ["empty/", "hss-vul.csv", "sheets/", "sheets/deep/", "sheets/deep/x.xlsx"])
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: target + "/hss-vul.csv"))) == csv)
            #expect(try FileDigest.ofFile(at: target + "/sheets/deep/x.xlsx") == FileDigest(of: sheet))
            #expect(try mode(target + "/hss-vul.csv") == 0o644)
            #expect(try mode(target + "/sheets/deep/x.xlsx") == 0o644)
            #expect(try mode(target + "/sheets") == 0o755)
            #expect(try mode(target + "/sheets/deep") == 0o755)
            #expect(try mode(target) == 0o755)
            #expect(try directory.entries() == ["export.zip", "out"])
        }
    }

    @Test("a relative target resolves against the working directory")
    func relativeTarget() throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("a.zip")
            try ZipFixtures.make(at: archive, [FixtureEntry(name: "a.csv", content: [1])])
            let relative = String(directory.file("rel").dropFirst(FileManager.default.currentDirectoryPath.count))
            let cwd = FileManager.default.currentDirectoryPath
            guard directory.path.hasPrefix(cwd + "/") else { return }  // temp outside the working directory: nothing to check
            let target = try ArchiveExtractor.extract(archiveAt: archive, into: String(relative.dropFirst()), limits: Self.limits)
            #expect(target == directory.file("rel"))
        }
    }

    @Test(
        "an escaping or unusable entry name refuses the whole archive and writes nothing",
        arguments: [
            "../evil.csv", "/abs.csv", "a/../../b", "a/..", "..", "ok/../../../tmp/x", "..\\evil.csv", "a\\b.csv", "C:/evil.csv",
            "c:evil.csv", "nul\u{0}.csv", "esc\u{1B}[2J.csv", "del\u{7F}.csv", "c1\u{85}.csv", "./a.csv", "a//b.csv", "",
        ]
    )
    func zipSlip(name: String) throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("slip.zip")
            try ZipFixtures.make(
                at: archive,
                [
                    FixtureEntry(name: "first.csv", content: Array("fine\n".utf8)),
                    FixtureEntry(name: name, content: Array("evil\n".utf8)),
                ]
            )
            // Three levels down, so that even `ok/../../../tmp/x` would land inside `directory`, where it is looked for.
            let inside = directory.file("inside")
            try FileManager.default.createDirectory(atPath: inside + "/deeper", withIntermediateDirectories: true)
            let target = inside + "/deeper/out"
            do {
                _ = try ArchiveExtractor.extract(archiveAt: archive, into: target, limits: Self.limits)
                Issue.record("extracted \(name.debugDescription)")
            } catch let error as ArchiveError {
                guard case .unsafeEntryName(let entry, _) = error.kind else {
                    Issue.record("expected unsafeEntryName, got \(error)")
                    return
                }
                #expect(entry == name)
                #expect(error.description.contains("zip slip"))
                #expect(!error.description.contains("\u{1B}") && !error.description.contains("\u{0}"))
            }
            #expect(try tree(directory.path) == ["inside/", "inside/deeper/", "slip.zip"], "nothing written, no temp directory left")
        }
    }

    @Test("a symbolic-link entry refuses the whole archive")
    func symlink() throws {
        try withTemporaryDirectoryBlocking { directory in
            var link = RawZip.Member.stored("link", Array("/etc/passwd".utf8))
            link.madeByUnix = true
            link.externalAttributes = UInt32(0o120777) << 16
            let archive = directory.file("link.zip")
            try RawZip(members: [.stored("a.csv", [1, 2]), link]).bytes.write(to: archive)
            do {
                _ = try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("out"), limits: Self.limits)
                Issue.record("extracted a link")
            } catch let error as ArchiveError {
                #expect(error.kind == .symbolicLink(entry: "link"))
            }
            #expect(try directory.entries() == ["link.zip"])
        }
    }

    @Test("duplicate paths, and a path that is both file and directory, are refused")
    func conflicts() throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("dup.zip")
            for entries in [["a.csv", "a.csv"], ["a", "a/b.csv"], ["a/b.csv", "a"]] {
                try? FileManager.default.removeItem(atPath: archive)
                try ZipFixtures.make(at: archive, entries.map { FixtureEntry(name: $0, content: [1]) })
                do {
                    _ = try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("out"), limits: Self.limits)
                    Issue.record("extracted \(entries)")
                } catch let error as ArchiveError {
                    guard case .unsafeEntryName = error.kind else {
                        Issue.record("expected unsafeEntryName, got \(error)")
                        continue
                    }
                }
                #expect(try directory.entries() == ["dup.zip"])
            }
        }
    }

    @Test("a second extraction replaces the first as a whole")
    func replaces() throws {
        try withTemporaryDirectoryBlocking { directory in
            let first = directory.file("first.zip")
            let second = directory.file("second.zip")
            try ZipFixtures.make(at: first, [FixtureEntry(name: "old.csv", content: [1]), FixtureEntry(name: "d/old2.csv", content: [2])])
            try ZipFixtures.make(at: second, [FixtureEntry(name: "new.csv", content: Array("new\n".utf8))])
            let target = directory.file("out")
            _ = try ArchiveExtractor.extract(archiveAt: first, into: target, limits: Self.limits)
            #expect(try tree(target) == ["d/", "d/old2.csv", "old.csv"])
            let inode = try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? NSNumber
            _ = try ArchiveExtractor.extract(archiveAt: second, into: target + "/", limits: Self.limits)
            #expect(try tree(target) == ["new.csv"])
            #expect(try String(contentsOfFile: target + "/new.csv", encoding: .utf8) == "new\n")
            #expect(try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? NSNumber != inode, "a new directory")
            #expect(try directory.entries() == ["first.zip", "out", "second.zip"], "the old one moved aside and removed")
        }
    }

    @Test("a failing extraction leaves the previous one untouched and no temp directories")
    func failureKeepsPrevious() throws {
        try withTemporaryDirectoryBlocking { directory in
            let good = directory.file("good.zip")
            try ZipFixtures.make(at: good, [FixtureEntry(name: "keep.csv", content: Array("keep\n".utf8))])
            let target = directory.file("out")
            _ = try ArchiveExtractor.extract(archiveAt: good, into: target, limits: Self.limits)

            // Damage found only while writing: the second file's CRC is wrong.
            let content = Array("abc\n".utf8)
            var damaged = RawZip.Member.stored("z.csv", content)
            damaged.crc32 ^= 1
            let bad = directory.file("bad.zip")
            try RawZip(members: [.stored("a.csv", content), damaged]).bytes.write(to: bad)
            #expect(throws: ArchiveError.self) { try ArchiveExtractor.extract(archiveAt: bad, into: target, limits: Self.limits) }
            #expect(try tree(target) == ["keep.csv"])
            #expect(try directory.entries() == ["bad.zip", "good.zip", "out"])

            // A lying bomb: refused while inflating, after earlier files were written to the temp directory.
            var bomb = ZipBomb.honest
            bomb.members.insert(.stored("before.csv", content), at: 0)
            bomb.members[1].declaredUncompressedSize = 5_000_000
            let liar = directory.file("liar.zip")
            try bomb.bytes.write(to: liar)
            do {
                _ = try ArchiveExtractor.extract(archiveAt: liar, into: target, limits: Self.limits)
                Issue.record("extracted a lying bomb")
            } catch let error as ArchiveError {
                guard case .sizeMismatch(_, 5_000_000, let actual, true) = error.kind else {
                    Issue.record("expected a size mismatch, got \(error)")
                    return
                }
                #expect(actual <= 5_000_000 + 64 * 1024)
            }
            #expect(try tree(target) == ["keep.csv"])
            #expect(try directory.entries() == ["bad.zip", "good.zip", "liar.zip", "out"])
        }
    }

    @Test("an honest bomb over the limit is refused before anything is written")
    func bomb() throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("bomb.zip")
            try ZipBomb.honest.bytes.write(to: archive)
            #expect(throws: ArchiveError(path: archive, kind: .declaredSizeTooLarge(bytes: UInt64(ZipBomb.size), limit: 10 << 20))) {
                try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("out"), limits: Self.limits)
            }
            #expect(try directory.entries() == ["bomb.zip"])
        }
    }

    @Test("a target that is a file, or a missing parent, is an error and changes nothing")
    func badTargets() throws {
        try withTemporaryDirectoryBlocking { directory in
            let archive = directory.file("a.zip")
            try ZipFixtures.make(at: archive, [FixtureEntry(name: "a.csv", content: [1])])
            try directory.write("precious", to: "file")
            #expect(throws: ArchiveError.self) { try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("file"), limits: Self.limits) }
            #expect(try directory.read("file") == "precious")
            try FileManager.default.createSymbolicLink(atPath: directory.file("link"), withDestinationPath: directory.path)
            #expect(throws: ArchiveError.self) { try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("link"), limits: Self.limits) }
            #expect(throws: ArchiveError.self) {
                try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("missing/out"), limits: Self.limits)
            }
            #expect(try directory.entries() == ["a.zip", "file", "link"])
        }
    }

    @Test("what is extracted matches the system unzip", .enabled(if: ExternalTool.shouldRun("unzip")))
    func matchesUnzip() async throws {
        try await withTemporaryDirectory { directory in
            let unzip = try ExternalTool.require("unzip", package: "unzip")
            let archive = directory.file("a.zip")
            var generator = SeededGenerator(seed: 11)
            try ZipFixtures.make(
                at: archive,
                [
                    FixtureEntry(name: "x/y/z.csv", content: generator.bytes(70_000)),
                    FixtureEntry(name: "漏洞.csv", content: Array("中文\n".utf8)),
                    FixtureEntry(name: "x/", type: .directory),
                ]
            )
            let ours = try ArchiveExtractor.extract(archiveAt: archive, into: directory.file("ours"), limits: Self.limits)
            let output = try await ProcessRunner.run(unzip, ["-q", archive, "-d", directory.file("theirs")])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(try tree(ours) == tree(directory.file("theirs")))
            for path in try tree(ours) where !path.hasSuffix("/") {
                #expect(try FileDigest.ofFile(at: ours + "/" + path) == FileDigest.ofFile(at: directory.file("theirs") + "/" + path))
            }
        }
    }
}
