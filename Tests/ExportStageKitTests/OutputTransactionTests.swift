import ExportStageKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct OutputTransactionTests {
    @Test func preparedFilesStayUnderTheirTempNamesUntilTheCommitAndTheLastOneGoesLast() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("old\n", to: "a.txt")
            let transaction = OutputTransaction()
            let manifest = try AtomicFileWriter(destination: directory.file("m.txt"))
            try manifest.write("manifest\n")
            transaction.add(try manifest.prepare(), commitsLast: true)
            let data = try AtomicFileWriter(destination: directory.file("a.txt"))
            try data.write("new\n")
            let prepared = try data.prepare()
            #expect(prepared.digest == FileDigest(of: Array("new\n".utf8)))
            transaction.add(prepared)
            let append = try PreparedAppend(appending: Array("line\n".utf8), to: directory.file("log.jsonl"))
            transaction.add(append)
            #expect(try directory.read("a.txt") == "old\n")
            #expect(!FileManager.default.fileExists(atPath: directory.file("m.txt")))
            #expect(transaction.pendingPaths == [directory.file("m.txt"), directory.file("a.txt"), directory.file("log.jsonl")])

            #expect(transaction.commit().isEmpty)
            #expect(try directory.read("a.txt") == "new\n")
            #expect(try directory.read("m.txt") == "manifest\n")
            #expect(try directory.read("log.jsonl") == "line\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "log.jsonl", "m.txt"])
            #expect(transaction.pendingPaths.isEmpty)
        }
    }

    @Test func aPreparedTempFileIsLockedUntilItIsRenamed() throws {
        try withTemporaryDirectoryBlocking { directory in
            let writer = try AtomicFileWriter(destination: directory.file("a.txt"))
            let prepared = try writer.prepare()
            let other = open(prepared.temporaryPath, O_RDONLY)
            defer { close(other) }
            #expect(flock(other, LOCK_EX | LOCK_NB) != 0)
            try prepared.publish()
            #expect(flock(other, LOCK_EX | LOCK_NB) == 0)
        }
    }

    @Test func discardingAnOwnersOutputsRemovesTheirTempFiles() throws {
        try withTemporaryDirectoryBlocking { directory in
            let transaction = OutputTransaction()
            let writer = try AtomicFileWriter(destination: directory.file("a.txt"))
            transaction.add(try writer.prepare())
            transaction.claim(for: 3)
            transaction.discard(owner: 3)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            #expect(transaction.commit().isEmpty)
        }
    }

    @Test func anAppendPreparedOverAFileThatGrewMeanwhileStillAppendsButSaysSo() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("a\n", to: "log")
            let append = try PreparedAppend(appending: Array("b\n".utf8), to: directory.file("log"))
            #expect(append.digest == FileDigest(of: Array("a\nb\n".utf8)))
            try directory.write("a\nx\n", to: "log")
            #expect(throws: OutputFileError.self) { try append.publish() }
            #expect(try directory.read("log") == "a\nx\nb\n")
        }
    }
}

@Suite struct TornEndRepairTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func theTornLastLineMovesToATornFileAndTheFileEndsWithItsLastCompleteLine() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("{\"a\":1}\n{\"b\":2}\n{\"c\":", to: "r.jsonl")
            let repair = try #require(try AppendableFile.repairTornEnd(of: directory.file("r.jsonl"), now: Self.now))
            #expect(try directory.read("r.jsonl") == "{\"a\":1}\n{\"b\":2}\n")
            #expect(repair.tornCopy == directory.file("r.jsonl.torn-20251124160000000"))
            #expect(try directory.read("r.jsonl.torn-20251124160000000") == "{\"c\":")
            #expect(repair.tornBytes == 5 && repair.keptBytes == 16)
            #expect(repair.warning.contains("kept the 5 torn bytes in"))
            // Whole again: nothing more to do.
            #expect(try AppendableFile.repairTornEnd(of: directory.file("r.jsonl"), now: Self.now) == nil)
        }
    }

    @Test func aFileWithoutAnyNewlineIsEmptiedAndASecondRepairGetsItsOwnName() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("partial", to: "r.csv")
            _ = try AppendableFile.repairTornEnd(of: directory.file("r.csv"), now: Self.now)
            #expect(try directory.read("r.csv") == "")
            try directory.write("again", to: "r.csv")
            let second = try #require(try AppendableFile.repairTornEnd(of: directory.file("r.csv"), now: Self.now))
            #expect(second.tornCopy.hasSuffix(".torn-20251124160000000-2"))
            #expect(try directory.read("r.csv.torn-20251124160000000") == "partial")
        }
    }

    @Test func aLongTornLineIsFoundAcrossBlocks() throws {
        try withTemporaryDirectoryBlocking { directory in
            let long = String(repeating: "x", count: 300_000)
            try directory.write("ok\n" + long, to: "r.jsonl")
            let repair = try #require(try AppendableFile.repairTornEnd(of: directory.file("r.jsonl"), now: Self.now))
            #expect(repair.keptBytes == 3 && repair.tornBytes == 300_000)
            #expect(try directory.read("r.jsonl") == "ok\n")
        }
    }

    @Test func missingEmptyAndCompleteFilesAreLeftAlone() throws {
        try withTemporaryDirectoryBlocking { directory in
            #expect(try AppendableFile.repairTornEnd(of: directory.file("none")) == nil)
            try directory.write("", to: "empty")
            #expect(try AppendableFile.repairTornEnd(of: directory.file("empty")) == nil)
            try directory.write("a\n", to: "whole")
            #expect(try AppendableFile.repairTornEnd(of: directory.file("whole")) == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["empty", "whole"])
        }
    }
}

@Suite struct StaleTemporaryFilesTests {
    @Test func aDeadWritersTempFileIsRemovedAndALiveOnesIsKept() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("x", to: ".a.txt.tmp-999999999-dead")
            // Locked by another open file, as a writer in another process holds it; pid 1 is alive.
            try directory.write("y", to: ".a.txt.tmp-1-locked")
            let holder = open(directory.file(".a.txt.tmp-1-locked"), O_RDONLY)
            defer { close(holder) }
            #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
            let live = try AtomicFileWriter(destination: directory.file("a.txt"))
            defer { live.discard() }
            let removed = StaleTemporaryFiles.sweep(besides: [directory.file("a.txt"), directory.file("a.txt")])
            #expect(removed == [directory.file(".a.txt.tmp-999999999-dead")])
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(names.contains(".a.txt.tmp-1-locked"))
            #expect(names.contains { $0.hasPrefix(".a.txt.tmp-\(getpid())-") })
        }
    }

    @Test func unfinishedDownloadsAndExtractionsOfDeadProcessesAreRemoved() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("part", to: StaleTemporaryFiles.downloadPrefix + "999999999-abc")
            try directory.write("part", to: StaleTemporaryFiles.downloadPrefix + "1-abc")
            try FileManager.default.createDirectory(atPath: directory.file(".report.tmp-999999999-x/sub"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory.file(".report.old-999999999-y"), withIntermediateDirectories: true)
            try directory.write("keep", to: "report.zip")
            try directory.write("keep", to: ".hidden-of-someone-else")
            let removed = StaleTemporaryFiles.sweepDownloads(in: directory.path).sorted()
            #expect(removed.count == 3)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == [".hidden-of-someone-else", StaleTemporaryFiles.downloadPrefix + "1-abc", "report.zip"])
        }
    }
}
