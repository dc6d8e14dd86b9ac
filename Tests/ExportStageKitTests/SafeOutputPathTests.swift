import ExportStageKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ``ReplaceableOutput``: what every output's rename and append check right
/// before they touch a path, on real directories, FIFOs, sockets, devices
/// and links.
@Suite(.timeLimit(.minutes(1))) struct SafeOutputPathTests {
    @Test(arguments: NonRegularPath.allCases)
    func theAtomicRenameRefusesAnythingButARegularFileAndRemovesItsTempFile(kind: NonRegularPath) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("out.txt")
            let writer = try AtomicFileWriter(destination: path)
            try writer.write("new\n")
            let prepared = try writer.prepare()
            try kind.make(at: path)
            let error = #expect(throws: OutputFileError.self) { try prepared.publish() }
            #expect(error?.path == path)
            #expect(
                error?.message == "it is " + kind.refusalText(for: path)
                    + (kind == .directory || kind == .fifo
                        ? " (an output only ever replaces or appends to a regular file)"
                        : " (replacing the output would replace the link itself, not write to its target)"))
            #expect(error?.fix == "use `path: \"-\"` to write to stdout (quoted: a bare - starts a YAML list), or the path of a regular file")
            #expect(kind.isIntact(at: path))
            #expect(try directory.entries().filter { $0.contains(".tmp-") }.isEmpty)
        }
    }

    @Test(arguments: NonRegularPath.allCases)
    func anAppendRefusesAnythingButARegularFileWithoutBlockingOnAFIFO(kind: NonRegularPath) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("log.jsonl")
            try kind.make(at: path)
            #expect(throws: OutputFileError.self) { try AppendableFile.append(Array("line\n".utf8), to: path) }
            #expect(throws: OutputFileError.self) { try AppendableFile.repairTornEnd(of: path) }
            #expect(kind.isIntact(at: path))
        }
    }

    @Test(arguments: NonRegularPath.allCases)
    func aPreparedAppendWhosePathChangesBeforeItsWriteIsRefused(kind: NonRegularPath) throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("log.jsonl")
            let append = try PreparedAppend(appending: Array("line\n".utf8), to: path)
            try kind.make(at: path)
            let error = #expect(throws: OutputFileError.self) { try append.publish() }
            #expect(error?.message.hasPrefix("it is " + kind.refusalText(for: path)) == true, "\(String(describing: error))")
            #expect(kind.isIntact(at: path))
        }
    }

    @Test func aSocketAndDevicesAreNamedForWhatTheyAre() throws {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("s.sock")
            let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            try #require(socketDescriptor >= 0)
            defer { close(socketDescriptor) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(bound == 0)
            #expect(ReplaceableOutput.obstacle(at: path) == "a socket")
        }
        #expect(ReplaceableOutput.obstacle(at: "/dev/null") == "a character device")
        #expect(ReplaceableOutput.obstacle(at: "/dev/stdout")?.hasPrefix("a symbolic link to ") == true)
    }

    @Test func aMissingPathAndARegularFileAreFine() throws {
        try withTemporaryDirectoryBlocking { directory in
            #expect(ReplaceableOutput.obstacle(at: directory.file("new.txt")) == nil)
            try directory.write("old\n", to: "old.txt")
            #expect(ReplaceableOutput.obstacle(at: directory.file("old.txt")) == nil)
            #expect(try AtomicFileWriter.write("new\n", to: directory.file("old.txt")) == FileDigest(of: Array("new\n".utf8)))
            try AppendableFile.append(Array("more\n".utf8), to: directory.file("old.txt"))
            #expect(try directory.read("old.txt") == "new\nmore\n")
        }
    }

    @Test func aTransactionCommitsTheOtherOutputsAndDropsTheManifestWhenOnePathTurnedIntoAFIFO() throws {
        try withTemporaryDirectoryBlocking { directory in
            let transaction = OutputTransaction()
            for name in ["a.txt", "b.txt"] {
                let writer = try AtomicFileWriter(destination: directory.file(name))
                try writer.write(name + "\n")
                transaction.add(try writer.prepare())
            }
            let manifest = try AtomicFileWriter(destination: directory.file("m.txt"))
            try manifest.write("manifest\n")
            transaction.add(try manifest.prepare(), commitsLast: true)
            try NonRegularPath.fifo.make(at: directory.file("a.txt"))
            let failures = transaction.commit()
            #expect(failures.map(\.path) == [directory.file("a.txt"), directory.file("m.txt")])
            #expect(failures.first?.message.contains("it is a FIFO (named pipe), not a regular file") == true)
            #expect(NonRegularPath.fifo.isIntact(at: directory.file("a.txt")))
            #expect(try directory.read("b.txt") == "b.txt\n")
            #expect(try directory.entries() == ["a.txt", "b.txt"])
        }
    }

    @Test func standardOutputWaitsInTheTransactionUnderItsOwnName() {
        let transaction = OutputTransaction()
        transaction.add(PreparedStandardOutput(Array("{}\n".utf8)))
        #expect(transaction.pendingPaths == ["standard output"])
        transaction.discardAll()
        #expect(transaction.pendingPaths.isEmpty)
    }
}
