import ExportStageKit
import SystemZlib

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Inflates gzip data (RFC 1952) with zlib's gzip mode, chunk by chunk,
/// refusing content larger than ``maximumBytes``.
///
/// Compressed bytes go in through ``feed(_:)`` in pieces of any size; the
/// inflated bytes come out to the sink in pieces of at most ``chunkSize``.
/// Concatenated members (`gzip -c a b > ab.gz`) inflate one after the
/// other, as `gzip -d` does. zlib checks every member's CRC-32 and size.
///
/// ```swift
/// let text = try GzipReader.decompressFile(at: "/var/lib/hss/manifest.json.gz")
/// ```
///
/// A reader whose `feed` or `finish` throws has released its zlib stream and
/// must not be used again. Not thread-safe: one reader belongs to one task.
public final class GzipReader {
    /// The default limit on the inflated size: 1 GiB, far above any manifest.
    public static let defaultMaximumBytes = 1 << 30
    /// The size of the output buffer, and of the reads ``decompressFile(at:maximumBytes:)`` makes.
    public static let chunkSize = 64 * 1024

    /// The most inflated bytes this reader hands on before refusing the input.
    public let maximumBytes: Int

    private let sink: (UnsafeRawBufferPointer) throws -> Void
    // As in GzipWriter: zlib checks the stream's address on every call.
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private var isStreamLive = true
    private var isClosed = false
    private var consumed = 0
    private var produced = 0
    private var fed = 0
    private var members = 0
    // Bytes fed into a member that has not reached its trailer yet.
    private var isInsideMember = false
    // A member just ended; the next input starts a new one.
    private var needsReset = false
    private var magic: [UInt8] = []

    /// Creates a reader that hands inflated bytes to `sink` in order.
    ///
    /// - Parameters:
    ///   - maximumBytes: the most inflated bytes accepted; more is ``GzipReadError/Reason/tooLarge(limit:)``.
    ///   - sink: receives the inflated bytes; the buffer is only valid during the call.
    /// - Throws: ``GzipReadError`` when zlib cannot start.
    public init(maximumBytes: Int = GzipReader.defaultMaximumBytes, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws(GzipReadError) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a 32 KiB window, gzip wrapper only (no zlib or raw deflate).
        let code = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            let error = GzipError(operation: "inflateInit2_", code: code, zlibMessage: stream.pointee.msg)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw GzipReadError(.zlib(error), compressedOffset: 0)
        }
        self.maximumBytes = maximumBytes
        self.sink = sink
        self.stream = stream
        self.output = .allocate(byteCount: GzipReader.chunkSize, alignment: 16)
    }

    deinit {
        endStream()
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Inflates the next piece of compressed input. Errors thrown by the sink come out unchanged.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!isClosed, "GzipReader used after finish() or after an error")
        do {
            try checkMagic(bytes)
            fed += bytes.count
            var offset = 0
            while offset < bytes.count {
                let count = min(GzipReader.chunkSize, bytes.count - offset)
                try inflateChunk(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
                offset += count
            }
        } catch {
            shutDown()
            throw error
        }
    }

    /// Inflates the next piece of compressed input.
    public func feed(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    /// Ends the input: it must have held at least one whole member.
    ///
    /// - Returns: the number of inflated bytes.
    /// - Throws: ``GzipReadError`` when the input was empty or ended inside a member.
    @discardableResult
    public func finish() throws(GzipReadError) -> Int {
        precondition(!isClosed, "GzipReader used after finish() or after an error")
        shutDown()
        if fed == 0 { throw GzipReadError(.empty, compressedOffset: 0) }
        if isInsideMember || members == 0 { throw GzipReadError(.truncated, compressedOffset: consumed) }
        return produced
    }

    /// Refuses input that is not gzip before zlib gives its terser "incorrect header check".
    private func checkMagic(_ bytes: UnsafeRawBufferPointer) throws(GzipReadError) {
        guard magic.count < 2 else { return }
        magic += bytes.prefix(2 - magic.count)
        if magic.count == 2, magic != [0x1f, 0x8b] {
            throw GzipReadError(.notGzip(firstBytes: magic), compressedOffset: 0)
        }
        if magic.count == 1, magic[0] != 0x1f {
            throw GzipReadError(.notGzip(firstBytes: magic), compressedOffset: 0)
        }
    }

    /// Feeds `input` to zlib and drains everything it produces to the sink.
    private func inflateChunk(_ input: UnsafeRawBufferPointer) throws {
        guard input.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        // Don't leave zlib pointing at the caller's buffer once it is gone.
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        let outputStart = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        while true {
            if needsReset {
                guard stream.pointee.avail_in > 0 else { return }
                // Another member follows, as in `gzip -c a b`.
                let code = inflateReset(stream)
                guard code == Z_OK else {
                    throw GzipReadError(
                        .zlib(GzipError(operation: "inflateReset", code: code, zlibMessage: stream.pointee.msg)), compressedOffset: consumed)
                }
                needsReset = false
            }
            isInsideMember = true
            stream.pointee.next_out = outputStart
            stream.pointee.avail_out = uInt(output.count)
            let availableBefore = Int(stream.pointee.avail_in)
            let code = inflate(stream, Z_NO_FLUSH)
            consumed += availableBefore - Int(stream.pointee.avail_in)
            let count = output.count - Int(stream.pointee.avail_out)
            if count > 0 {
                guard count <= maximumBytes - produced else {
                    throw GzipReadError(.tooLarge(limit: maximumBytes), compressedOffset: consumed)
                }
                try sink(UnsafeRawBufferPointer(rebasing: output[0..<count]))
                produced += count
            }
            switch code {
            case Z_STREAM_END:
                members += 1
                isInsideMember = false
                needsReset = true
            case Z_OK, Z_BUF_ERROR:
                // A full buffer may hide more output; space left means zlib wants more input.
                if stream.pointee.avail_out != 0 {
                    guard stream.pointee.avail_in == 0 else {
                        throw GzipReadError(
                            .zlib(
                                GzipError(
                                    operation: "inflate", code: code,
                                    message: "zlib stopped with \(stream.pointee.avail_in) input bytes unconsumed and output space left",
                                    fix: "this is a bug in hss-export's gzip reader; please report it")),
                            compressedOffset: consumed)
                    }
                    return
                }
            case Z_DATA_ERROR, Z_NEED_DICT:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw GzipReadError(.corrupt(detail), compressedOffset: consumed)
            default:
                throw GzipReadError(.zlib(GzipError(operation: "inflate", code: code, zlibMessage: stream.pointee.msg)), compressedOffset: consumed)
            }
        }
    }

    private func shutDown() {
        isClosed = true
        endStream()
    }

    private func endStream() {
        guard isStreamLive else { return }
        isStreamLive = false
        _ = inflateEnd(stream)
    }
}

extension GzipReader {
    /// Inflates `bytes` whole.
    ///
    /// - Throws: ``GzipReadError``.
    public static func decompress(_ bytes: [UInt8], maximumBytes: Int = GzipReader.defaultMaximumBytes) throws -> [UInt8] {
        var inflated: [UInt8] = []
        let reader = try GzipReader(maximumBytes: maximumBytes) { inflated += $0 }
        try reader.feed(bytes)
        try reader.finish()
        return inflated
    }

    /// Inflates the gzip file at `path`, reading it in ``chunkSize`` pieces.
    ///
    /// - Throws: ``GzipReadError`` for its content, `OutputFileError` when it cannot be opened or read.
    public static func decompressFile(at path: String, maximumBytes: Int = GzipReader.defaultMaximumBytes) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFileError(readingFrom: path, operation: "open", errno: errno) }
        defer { _ = close(descriptor) }
        var inflated: [UInt8] = []
        let reader = try GzipReader(maximumBytes: maximumBytes) { inflated += $0 }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(readingFrom: path, operation: "read", errno: errno)
            }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        try reader.finish()
        return inflated
    }
}
