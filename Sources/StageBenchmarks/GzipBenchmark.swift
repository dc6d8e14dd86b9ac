import ExportStageKit
import Foundation
import GzipManifestStage

/// Compresses one large JSON Lines file with `GzipWriter` and with the
/// system `gzip` at the same level, and checks that `GzipWriter`'s output is
/// a valid gzip file holding exactly the input.
struct GzipBenchmark {
    /// How much input to generate, in bytes (whole lines, so a little less).
    var inputSize: Int
    /// The compression level for both compressors.
    var level = 6
    /// Runs of each compressor; the median is reported.
    var repeats: Int
    /// Where the input and outputs go.
    var directory: String

    /// Bytes read from the input per `GzipWriter.write` call: big enough that
    /// the read loop costs nothing next to deflate.
    private static let readSize = 1 << 20

    func run(progress: (String) -> Void) async throws -> GzipComparison {
        let gzip = try ExternalCommand("gzip")
        let inputPath = directory + "/gzip-input.jsonl"
        let writerOutput = directory + "/gzip-input.GzipWriter.gz"
        let systemOutput = directory + "/gzip-input.gzip.gz"

        progress("generating \(inputSize / (1 << 20)) MiB of JSON Lines")
        let input = try Self.writeInput(to: inputPath, size: inputSize)

        var writerSeconds: [Double] = []
        var systemSeconds: [Double] = []
        for run in 1...repeats {
            // Alternating in one loop spreads the noise of a shared machine
            // over both compressors instead of loading it onto one.
            progress("gzip run \(run)/\(repeats): GzipWriter")
            writerSeconds.append(try await Stopwatch.measure { try compress(inputPath, to: writerOutput) }.seconds)
            progress("gzip run \(run)/\(repeats): gzip -\(level)")
            systemSeconds.append(
                try await Stopwatch.measure {
                    try gzip.run(["-\(level)", "-c", inputPath], stdoutTo: systemOutput)
                }.seconds)
        }

        progress("verifying the GzipWriter output")
        try gzip.run(["-t", writerOutput])
        let decompressedPath = directory + "/gzip-input.roundtrip.jsonl"
        try gzip.run(["-d", "-c", writerOutput], stdoutTo: decompressedPath)
        let roundTrip = try FileDigest.ofFile(at: decompressedPath)
        guard roundTrip == input else {
            throw BenchmarkError(
                message: """
                    GzipWriter output \(writerOutput) decompresses to \(roundTrip.bytes) bytes with SHA-256 \(roundTrip.sha256), \
                    but the input \(inputPath) is \(input.bytes) bytes with SHA-256 \(input.sha256)
                    """)
        }

        return GzipComparison(
            inputBytes: input.bytes, inputSHA256: input.sha256, level: level,
            writerSecondsSamples: writerSeconds, systemSecondsSamples: systemSeconds,
            writerOutputBytes: try FileDigest.ofFile(at: writerOutput).bytes,
            systemOutputBytes: try FileDigest.ofFile(at: systemOutput).bytes
        )
    }

    /// Streams the input file through `GzipWriter` into a plain file.
    ///
    /// Plain, not `AtomicFileWriter`: that one also hashes every byte and
    /// fsyncs, which `gzip` does not, and this compares compressors.
    private func compress(_ inputPath: String, to outputPath: String) throws {
        guard let input = FileHandle(forReadingAtPath: inputPath) else {
            throw BenchmarkError(message: "cannot open \(inputPath) for reading")
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else {
            throw BenchmarkError(message: "cannot create \(outputPath)")
        }
        defer { try? output.close() }
        let writer = try GzipWriter(level: level, header: .reproducible) { bytes in
            try output.write(contentsOf: bytes)
        }
        while let chunk = try input.read(upToCount: Self.readSize), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try writer.write($0) }
        }
        try writer.finish()
    }

    /// Writes whole JSON Lines records until the next one would pass `size`
    /// bytes, and returns the file's size and SHA-256.
    private static func writeInput(to path: String, size: Int) throws -> FileDigest {
        let file = try AtomicFileWriter(destination: path)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(readSize + 4096)
        var written = 0
        var index = 0
        var line = ""
        while true {
            line.removeAll(keepingCapacity: true)
            SyntheticResults.record(at: index).jsonValue.write(to: &line)
            line += "\n"
            guard written + buffer.count + line.utf8.count <= size else { break }
            buffer.append(contentsOf: line.utf8)
            index += 1
            if buffer.count >= readSize {
                try file.write(buffer)
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(buffer)
        return try file.commit()
    }
}
