import ExportStageKit
import Foundation
import GzipManifestStage
import TestSupport
import Testing

@Suite("GzipWriter")
struct GzipWriterTests {
    /// Collects everything a writer hands to its sink.
    final class CollectingSink {
        var bytes: [UInt8] = []
        var calls = 0
    }

    /// Compresses `input` in one write and returns the whole gzip file.
    func compress(_ input: [UInt8], level: Int = 6, header: GzipWriter.Header = .reproducible) throws -> [UInt8] {
        let sink = CollectingSink()
        let writer = try GzipWriter(level: level, header: header) { sink.bytes += $0 }
        try writer.write(input)
        try writer.finish()
        return sink.bytes
    }

    /// Deterministic, moderately compressible bytes: text lines with pseudo-random numbers.
    static func generatedText(count: Int, seed: inout UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        let digits = Array("0123456789abcdef".utf8)
        while bytes.count < count {
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            bytes += Array("task ".utf8)
            var value = seed
            for _ in 0..<12 {
                bytes.append(digits[Int(value & 0xf)])
                value >>= 4
            }
            bytes.append(seed & 1 == 0 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
        }
        return Array(bytes.prefix(count))
    }

    @Test func reproducibleHeaderIsGolden() throws {
        let file = try compress(Array("hello".utf8))
        #expect(Array(file.prefix(10)) == [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff])
    }

    @Test(arguments: [(0, 4), (1, 4), (2, 0), (5, 0), (6, 0), (8, 0), (9, 2)] as [(Int, UInt8)])
    func extraFlagsFollowTheLevel(level: Int, extraFlags: UInt8) throws {
        let file = try compress(Array("hello".utf8), level: level)
        #expect(file[8] == extraFlags)
        #expect(file[9] == 0xff)
    }

    @Test func headerRecordsTimeAndNameExactly() throws {
        let file = try compress([], header: GzipWriter.Header(modificationTime: 0x0102_0304, fileName: "a.json"))
        let expected: [UInt8] = [0x1f, 0x8b, 0x08, 0x08, 0x04, 0x03, 0x02, 0x01, 0x00, 0xff] + Array("a.json".utf8) + [0]
        #expect(Array(file.prefix(expected.count)) == expected)
    }

    @Test func latin1NamesAreWrittenAsLatin1() throws {
        let file = try compress([], header: GzipWriter.Header(fileName: "caf\u{e9}.json"))
        #expect(file[3] == 0x08)
        #expect(Array(file[10..<20]) == [0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6a, 0x73, 0x6f, 0x6e, 0x00])
    }

    @Test(arguments: ["漏洞.json", "dir/name.json", "nul\u{0}.json", ""])
    func namesGzipCannotRestoreAreLeftOut(name: String) throws {
        let file = try compress(Array("x".utf8), header: GzipWriter.Header(modificationTime: 7, fileName: name))
        #expect(file[3] == 0x00, "FLG must not announce FNAME")
        #expect(Array(file[4..<8]) == [7, 0, 0, 0])
    }

    @Test func wholeFileIsGolden() throws {
        // Header, a fixed-Huffman block for "hello", CRC-32 and ISIZE: the
        // exact bytes of every earlier release for this input.
        let file = try compress(Array("hello".utf8), header: GzipWriter.Header(modificationTime: 0x0102_0304, fileName: "a.json"))
        #expect(
            file == [
                0x1f, 0x8b, 0x08, 0x08, 0x04, 0x03, 0x02, 0x01, 0x00, 0xff, 0x61, 0x2e,
                0x6a, 0x73, 0x6f, 0x6e, 0x00, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00,
                0x86, 0xa6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00,
            ])
        let smallest = try compress(Array("hello".utf8), level: 9)
        #expect(
            smallest == [
                0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xcb, 0x48,
                0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x86, 0xa6, 0x10, 0x36, 0x05, 0x00, 0x00,
                0x00,
            ])
    }

    @Test func headerReachesTheSinkOnItsOwn() throws {
        var pieces: [[UInt8]] = []
        let writer = try GzipWriter(header: GzipWriter.Header(modificationTime: 0x0A0B_0C0D, fileName: "m.json")) { pieces.append(Array($0)) }
        #expect(pieces.isEmpty, "nothing before the first write")
        try writer.write([UInt8]())
        #expect(pieces == [[0x1f, 0x8b, 0x08, 0x08, 0x0d, 0x0c, 0x0b, 0x0a, 0x00, 0xff] + Array("m.json".utf8) + [0]])
        try writer.write(Array("hello".utf8))
        try writer.finish()
        #expect(pieces.count == 2)
    }

    @Test(arguments: [0, 1, 6, 9])
    func compressedDataDoesNotDependOnTheHeader(level: Int) throws {
        // 300 kB: several stored blocks at level 0, whose lengths follow the
        // output space; the header must not shift them.
        var seed: UInt64 = 11
        let input = Self.generatedText(count: 300_000, seed: &seed)
        let bare = try compress(input, level: level)
        let named = try compress(input, level: level, header: GzipWriter.Header(modificationTime: 1_700_000_000, fileName: "a-longer-name.json"))
        let nameLength = "a-longer-name.json".utf8.count + 1
        #expect(named.count == bare.count + nameLength)
        #expect(Array(named.dropFirst(10 + nameLength)) == Array(bare.dropFirst(10)))
        #expect(Array(named.prefix(10)) == [0x1f, 0x8b, 0x08, 0x08, 0x00, 0xf1, 0x53, 0x65, bare[8], 0xff])
    }

    @Test func totalsMatchTheTrailer() throws {
        var seed: UInt64 = 3
        let input = Self.generatedText(count: 1 << 20, seed: &seed)
        let sink = CollectingSink()
        let writer = try GzipWriter(header: .now(fileName: "totals.json")) { sink.bytes += $0 }
        for start in stride(from: 0, to: input.count, by: 100_000) {
            try writer.write(Array(input[start..<min(start + 100_000, input.count)]))
        }
        let totals = try writer.finish()
        let trailer = Array(sink.bytes.suffix(8))
        let crc = trailer[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let size = trailer[4..<8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(totals.crc32 == crc)
        #expect(Int(size) == input.count)
        #expect(totals.inputBytes == input.count)
        #expect(totals.outputBytes == sink.bytes.count)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func emptyInputIsAValidGzipFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = try AtomicFileWriter(destination: directory.file("empty.gz"))
            let writer = try GzipWriter(writingTo: file)
            let totals = try writer.finish()
            let digest = try file.commit()
            #expect(totals.inputBytes == 0)
            #expect(totals.crc32 == 0)
            #expect(totals.outputBytes == digest.bytes)
            let bytes = try GzipTool.bytes(directory.file("empty.gz"))
            #expect(Array(bytes.suffix(8)) == [0, 0, 0, 0, 0, 0, 0, 0])
            try await GzipTool.expectIntact(directory.file("empty.gz"))
            #expect(try await GzipTool.decompressedText(directory.file("empty.gz")) == "")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func trailerHoldsCRCAndSizeOfTheInput() async throws {
        // CRC-32 of "123456789" is the standard check value 0xCBF43926.
        let file = try compress(Array("123456789".utf8))
        #expect(Array(file.suffix(8)) == [0x26, 0x39, 0xf4, 0xcb, 9, 0, 0, 0])
        try await withTemporaryDirectory { directory in
            try Data(file).write(to: URL(fileURLWithPath: directory.file("check.gz")))
            try await GzipTool.expectIntact(directory.file("check.gz"))
            #expect(try await GzipTool.decompressedText(directory.file("check.gz")) == "123456789")
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func largeInputRoundTripsThroughGzip() async throws {
        try await withTemporaryDirectory { directory in
            // 20 MB in 1 MiB writes: more than the 64 KiB chunk per write, and
            // both the input and the compressed file stream to disk.
            let total = 20 * 1000 * 1000
            let original = try AtomicFileWriter(destination: directory.file("large.txt.orig"))
            let compressed = try AtomicFileWriter(destination: directory.file("large.txt.gz"))
            let writer = try GzipWriter(level: 6, writingTo: compressed)
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            var written = 0
            while written < total {
                let piece = Self.generatedText(count: min(1 << 20, total - written), seed: &seed)
                try original.write(piece)
                try writer.write(piece)
                written += piece.count
            }
            let totals = try writer.finish()
            let originalDigest = try original.commit()
            let compressedDigest = try compressed.commit()
            #expect(totals.inputBytes == total)
            #expect(totals.outputBytes == compressedDigest.bytes)
            #expect(compressedDigest.bytes < total / 2, "generated text should compress")

            try await GzipTool.expectIntact(directory.file("large.txt.gz"))
            let output = try await ProcessRunner.run(try GzipTool.gzip(), ["-d", "-k", directory.file("large.txt.gz")])
            #expect(output.status == 0, "\(output.standardError)")
            let roundTrip = try FileDigest.ofFile(at: directory.file("large.txt"))
            #expect(roundTrip == originalDigest)
            #expect(try await GzipTool.sha256sum(directory.file("large.txt")) == originalDigest.sha256)
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")), arguments: [0, 9])
    func extremeLevelsRoundTrip(level: Int) async throws {
        var seed: UInt64 = 42
        let input = Self.generatedText(count: 300_000, seed: &seed)
        let file = try compress(input, level: level)
        if level == 0 {
            // Stored blocks cost a few bytes each on top of the input.
            #expect(file.count > input.count)
        } else {
            #expect(file.count < input.count / 2)
        }
        try await withTemporaryDirectory { directory in
            try Data(file).write(to: URL(fileURLWithPath: directory.file("level.gz")))
            try await GzipTool.expectIntact(directory.file("level.gz"))
            #expect(try await GzipTool.decompressedText(directory.file("level.gz")) == String(decoding: input, as: UTF8.self))
        }
    }

    @Test(.enabled(if: ExternalTool.shouldRun("gzip")))
    func manySmallWritesDecompressToTheSameText() async throws {
        var seed: UInt64 = 7
        let input = Self.generatedText(count: 200_000, seed: &seed)
        let sink = CollectingSink()
        let writer = try GzipWriter {
            sink.bytes += $0
            sink.calls += 1
        }
        var offset = 0
        var size = 1
        while offset < input.count {
            let end = min(offset + size, input.count)
            try writer.write(Array(input[offset..<end]))
            offset = end
            size = size % 97 + 1
        }
        try writer.finish()
        #expect(sink.calls > 1)
        try await withTemporaryDirectory { directory in
            try Data(sink.bytes).write(to: URL(fileURLWithPath: directory.file("small.gz")))
            try await GzipTool.expectIntact(directory.file("small.gz"))
            #expect(try await GzipTool.decompressedText(directory.file("small.gz")) == String(decoding: input, as: UTF8.self))
        }
    }

    @Test func outputReachesTheSinkInBoundedPieces() throws {
        var seed: UInt64 = 99
        // Level 0 stores, so the output is a little larger than the input.
        let input = Self.generatedText(count: 1 << 20, seed: &seed)
        var largest = 0
        let writer = try GzipWriter(level: 0) { largest = max(largest, $0.count) }
        try writer.write(input)
        let totals = try writer.finish()
        #expect(totals.outputBytes > input.count)
        #expect(largest <= GzipWriter.chunkSize)
    }

    struct SinkFull: Error, Equatable {}

    @Test func sinkErrorsComeOutOfWriteUnchanged() throws {
        var seed: UInt64 = 5
        let input = Self.generatedText(count: 1 << 20, seed: &seed)
        let writer = try GzipWriter(level: 0) { _ in throw SinkFull() }
        #expect(throws: SinkFull()) { try writer.write(input) }
    }

    @Test func sinkErrorsComeOutOfFinishUnchanged() throws {
        var calls = 0
        // Accept the header, refuse the deflate data.
        let writer = try GzipWriter { _ in
            calls += 1
            if calls > 1 { throw SinkFull() }
        }
        try writer.write(Array("small".utf8))
        #expect(throws: SinkFull()) { try writer.finish() }
    }

    @Test(arguments: [-1, 10, 99])
    func levelsOutsideZeroToNineAreRejected(level: Int) throws {
        let error = try #require(throws: GzipError.self) { try GzipWriter(level: level) { _ in } }
        #expect(
            error.description
                == "gzip: configure the compressor: compression level \(level) is outside 0...9 (fix: use 0 (store only) to 9 (smallest output); 6 is zlib's default)"
        )
    }
}
