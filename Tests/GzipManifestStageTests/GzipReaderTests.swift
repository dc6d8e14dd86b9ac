import ExportStageKit
import Foundation
import GzipManifestStage
import TestSupport
import Testing

@Suite("GzipReader")
struct GzipReaderTests {
    /// Compresses with our writer.
    func compress(_ input: [UInt8], level: Int = 6) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let writer = try GzipWriter(level: level) { bytes += $0 }
        try writer.write(input)
        try writer.finish()
        return bytes
    }

    /// Inflates `input` fed in pieces of `piece` bytes.
    func inflate(_ input: [UInt8], piece: Int, maximumBytes: Int = GzipReader.defaultMaximumBytes) throws -> [UInt8] {
        var output: [UInt8] = []
        let reader = try GzipReader(maximumBytes: maximumBytes) { output += $0 }
        for start in stride(from: 0, to: input.count, by: piece) {
            try reader.feed(Array(input[start..<min(start + piece, input.count)]))
        }
        let total = try reader.finish()
        #expect(total == output.count)
        return output
    }

    func readError(_ input: [UInt8], maximumBytes: Int = GzipReader.defaultMaximumBytes) throws -> GzipReadError {
        try #require(throws: GzipReadError.self) { try GzipReader.decompress(input, maximumBytes: maximumBytes) }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")), arguments: [1, 9])
    func readsWhatTheSystemGzipWrote(level: Int) async throws {
        try await withTemporaryDirectory { directory in
            var seed: UInt64 = 21
            let input = GzipWriterTests.generatedText(count: 3 * 1000 * 1000, seed: &seed)
            try Data(input).write(to: URL(fileURLWithPath: directory.file("text")))
            let output = try await ProcessRunner.run(try GzipTool.gzip(), ["-\(level)", "-k", "-n", directory.file("text")])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(try GzipReader.decompressFile(at: directory.file("text.gz")) == input)
            // The same file fed in awkward pieces.
            #expect(try inflate(try GzipTool.bytes(directory.file("text.gz")), piece: 7_777) == input)
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func readsConcatenatedMembersAsGzipDoes() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("first part\n", to: "a")
            try directory.write("second part\n", to: "b")
            for name in ["a", "b"] {
                let output = try await ProcessRunner.run(try GzipTool.gzip(), ["-k", "-n", directory.file(name)])
                #expect(output.status == 0, "\(output.standardError)")
            }
            // What `gzip -c a b` writes: one member after the other.
            let both = try GzipTool.bytes(directory.file("a.gz")) + GzipTool.bytes(directory.file("b.gz"))
            #expect(String(decoding: try GzipReader.decompress(both), as: UTF8.self) == "first part\nsecond part\n")
            #expect(String(decoding: try inflate(both, piece: 1), as: UTF8.self) == "first part\nsecond part\n")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func readsAnEmptyFileGzipCompressed() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("", to: "empty")
            let output = try await ProcessRunner.run(try GzipTool.gzip(), ["-k", directory.file("empty")])
            #expect(output.status == 0, "\(output.standardError)")
            #expect(try GzipReader.decompressFile(at: directory.file("empty.gz")) == [])
        }
    }

    @Test(arguments: [0, 1, 6, 9])
    func roundTripsOurWriter(level: Int) throws {
        var seed: UInt64 = UInt64(level) + 100
        let input = GzipWriterTests.generatedText(count: 500_000, seed: &seed)
        let compressed = try compress(input, level: level)
        #expect(try GzipReader.decompress(compressed) == input)
        #expect(try inflate(compressed, piece: 65_537) == input)
    }

    @Test func feedingOneByteAtATimeWorks() throws {
        let input = Array("{\"manifest_version\":2}".utf8)
        #expect(try inflate(try compress(input), piece: 1) == input)
    }

    @Test func outputReachesTheSinkInBoundedPieces() throws {
        let input = [UInt8](repeating: 0x41, count: 1 << 20)
        var largest = 0
        let reader = try GzipReader { largest = max(largest, $0.count) }
        try reader.feed(try compress(input))
        #expect(try reader.finish() == input.count)
        #expect(largest <= GzipReader.chunkSize)
    }

    @Test func emptyInputIsRefused() throws {
        let error = try readError([])
        #expect(error.reason == .empty)
        #expect(error.description == "gzip: the input is empty, not a gzip file (fix: give the .gz file itself, not an empty copy)")
    }

    @Test func jsonIsNotGzip() throws {
        let error = try readError(Array(#"{"manifest_version":2}"#.utf8))
        #expect(error.reason == .notGzip(firstBytes: [0x7b, 0x22]))
        #expect(
            error.description == "gzip: not a gzip file: it starts with 7b 22, not 1f 8b (fix: give the gzip-compressed file, e.g. manifest.json.gz)")
    }

    @Test func zlibFormatIsNotGzip() throws {
        // 78 9c: the zlib wrapper; windowBits 31 accepts only gzip.
        #expect(try readError([0x78, 0x9c, 0x03, 0x00]).reason == .notGzip(firstBytes: [0x78, 0x9c]))
    }

    @Test(arguments: [1, 2, 10, 20, 100, 8])
    func cutShortIsTruncated(keptFromEnd: Int) throws {
        var seed: UInt64 = 5
        let compressed = try compress(GzipWriterTests.generatedText(count: 10_000, seed: &seed))
        // keptFromEnd: how many bytes are cut off the end (8 is the whole trailer).
        let cut = Array(compressed.dropLast(keptFromEnd))
        let error = try readError(cut)
        #expect(error.reason == .truncated)
        #expect(
            error.description
                == "gzip: truncated: the input ends after \(cut.count) bytes, before the gzip trailer (fix: the file was cut short, e.g. by an interrupted copy; copy it again)"
        )
    }

    @Test func aHeaderAloneIsTruncated() throws {
        #expect(try readError([0x1f]).reason == .truncated)
        #expect(try readError([0x1f, 0x8b, 0x08, 0x00]).reason == .truncated)
    }

    @Test func aWrongCRCIsCorrupt() throws {
        var compressed = try compress(Array("123456789".utf8))
        compressed[compressed.count - 8] ^= 0x01
        let error = try readError(compressed)
        #expect(error.reason == .corrupt("incorrect data check"))
        #expect(error.description.hasPrefix("gzip: corrupt data at compressed byte "))
    }

    @Test func aWrongSizeIsCorrupt() throws {
        var compressed = try compress(Array("123456789".utf8))
        compressed[compressed.count - 4] ^= 0x01
        #expect(try readError(compressed).reason == .corrupt("incorrect length check"))
    }

    @Test func damagedDeflateDataIsCorrupt() throws {
        var seed: UInt64 = 9
        var compressed = try compress(GzipWriterTests.generatedText(count: 50_000, seed: &seed))
        // Flip bits early in the deflate data: a bad block, a bad code or, at worst, a CRC mismatch.
        for offset in 10..<20 { compressed[offset] ^= 0xFF }
        let error = try readError(compressed)
        guard case .corrupt = error.reason else {
            Issue.record("expected corrupt, got \(error)")
            return
        }
    }

    @Test func trailingGarbageAfterAMemberIsRefused() throws {
        let compressed = try compress(Array("hello".utf8)) + Array("garbage".utf8)
        guard case .corrupt = try readError(compressed).reason else {
            Issue.record("trailing garbage must not pass")
            return
        }
    }

    @Test func contentUpToTheLimitIsAccepted() throws {
        let input = [UInt8](repeating: 0, count: 100_000)
        #expect(try GzipReader.decompress(try compress(input), maximumBytes: 100_000) == input)
    }

    @Test func aBombIsRefusedWithoutInflatingItAll() throws {
        // 64 MiB of zeros compress to about 64 KiB.
        var compressed: [UInt8] = []
        let writer = try GzipWriter(level: 9) { compressed += $0 }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<64 { try writer.write(zeros) }
        try writer.finish()
        #expect(compressed.count < 100_000)

        var received = 0
        let reader = try GzipReader(maximumBytes: 1 << 20) { received += $0.count }
        let error = try #require(throws: GzipReadError.self) { try reader.feed(compressed) }
        #expect(error.reason == .tooLarge(limit: 1 << 20))
        #expect(received <= 1 << 20)
        #expect(error.description.hasPrefix("gzip: the content inflates to more than 1048576 bytes, the most allowed"))
    }

    @Test func aMissingFileNamesItsPath() throws {
        try withTemporaryDirectoryBlocking { directory in
            let error = try #require(throws: OutputFileError.self) { try GzipReader.decompressFile(at: directory.file("absent.gz")) }
            #expect(
                error.description
                    == "\(directory.file("absent.gz")): could not open: No such file or directory (fix: check the path; the file does not exist)")
        }
    }

    struct SinkFull: Error, Equatable {}

    @Test func sinkErrorsComeOutUnchanged() throws {
        let reader = try GzipReader { _ in throw SinkFull() }
        #expect(throws: SinkFull()) { try reader.feed(try compress(Array("hello".utf8))) }
    }
}
