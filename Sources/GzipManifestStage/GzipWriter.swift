public import ExportStageKit
import SystemZlib

/// Streams bytes into a gzip file (RFC 1952): one member, written entirely
/// by zlib's gzip mode (header, deflate data, CRC-32 and ISIZE trailer).
///
/// Input is compressed in chunks of at most ``chunkSize`` bytes into a fixed
/// output buffer of the same size, which is handed to the sink whenever zlib
/// fills it; the compressed output is never held in memory as a whole.
///
/// ```swift
/// let file = try AtomicFileWriter(destination: "/var/lib/hss/manifest.json.gz")
/// let gzip = try GzipWriter(level: 6, header: .reproducible, writingTo: file)
/// try gzip.write("{\"hello\":\"world\"}")
/// try gzip.finish()
/// let digest = try file.commit()
/// ```
///
/// A writer whose `write` or `finish` throws has already released its zlib
/// stream and must not be used again. Not thread-safe: one writer belongs to
/// one task.
public final class GzipWriter {
    /// What a finished writer compressed.
    public struct Totals: Sendable, Equatable {
        /// Bytes passed to `write` (the uncompressed size, not reduced mod 2^32).
        public var inputBytes: Int
        /// Bytes handed to the sink: header, deflate data and trailer.
        public var outputBytes: Int
        /// The CRC-32 of the input, as zlib stored it in the trailer.
        public var crc32: UInt32
    }

    /// The compression levels zlib accepts: 0 stores, 9 compresses most.
    public static let levels: ClosedRange<Int> = 0...9
    /// zlib's default level, a good balance of speed and size.
    public static let defaultLevel = 6
    /// The most input given to zlib at once, and the size of the output buffer.
    public static let chunkSize = 64 * 1024

    /// The compression level.
    public let level: Int
    /// What the member header records.
    public let header: Header

    private let sink: (UnsafeRawBufferPointer) throws -> Void
    // zlib keeps a pointer back to the z_stream and checks it on every call,
    // so the stream needs a fixed address rather than a Swift stored struct.
    private let stream: UnsafeMutablePointer<z_stream>
    // Read by zlib when it writes the header on the first `deflate` call;
    // released only after the stream (stored properties outlive `deinit`).
    private let pinnedHeader: PinnedGzipHeader
    private let output: UnsafeMutableRawBufferPointer
    private var isStreamLive = true
    private var isClosed = false
    private var isHeaderWritten = false
    private var inputBytes = 0
    private var outputBytes = 0

    /// Creates a writer that hands compressed bytes to `sink` in order.
    ///
    /// Nothing reaches the sink until the first `write` or ``finish()``. Errors thrown by `sink` come out of those calls unchanged.
    ///
    /// - Parameters:
    ///   - level: 0 (store) to 9 (smallest); see ``levels``.
    ///   - header: MTIME and FNAME; ``Header/reproducible`` records neither.
    ///   - sink: receives the compressed bytes; the buffer is only valid
    ///     during the call.
    /// - Throws: ``GzipError`` for a level outside ``levels`` or when zlib
    ///   cannot start (out of memory, library version mismatch).
    public init(level: Int = GzipWriter.defaultLevel, header: Header = .reproducible, sink: @escaping (UnsafeRawBufferPointer) throws -> Void)
        throws(GzipError)
    {
        guard GzipWriter.levels.contains(level) else {
            throw GzipError(
                operation: "configure the compressor",
                message: "compression level \(level) is outside \(GzipWriter.levels.lowerBound)...\(GzipWriter.levels.upperBound)",
                fix: "use 0 (store only) to 9 (smallest output); \(GzipWriter.defaultLevel) is zlib's default"
            )
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Window bits 15 + 16: a 32 KiB window, with zlib writing the gzip
        // header and trailer (and computing the CRC-32) around the deflate data.
        let code = deflateInit2_(
            stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard code == Z_OK else {
            let error = GzipError(operation: "deflateInit2_", code: code, zlibMessage: stream.pointee.msg)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        let pinnedHeader = PinnedGzipHeader(header)
        let headerCode = deflateSetHeader(stream, pinnedHeader.pointer)
        guard headerCode == Z_OK else {
            let error = GzipError(operation: "deflateSetHeader", code: headerCode, zlibMessage: stream.pointee.msg)
            _ = deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        self.level = level
        self.header = header
        self.sink = sink
        self.stream = stream
        self.pinnedHeader = pinnedHeader
        self.output = .allocate(byteCount: GzipWriter.chunkSize, alignment: 16)
    }

    /// Creates a writer that streams into `file`; commit the file after
    /// ``finish()``.
    public convenience init(level: Int = GzipWriter.defaultLevel, header: Header = .reproducible, writingTo file: AtomicFileWriter) throws(GzipError)
    {
        try self.init(level: level, header: header) { bytes in try file.write(bytes) }
    }

    deinit {
        endStream()
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Compresses `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!isClosed, "GzipWriter used after finish() or after an error")
        do {
            try writeHeaderIfNeeded()
            var offset = 0
            while offset < bytes.count {
                let count = min(GzipWriter.chunkSize, bytes.count - offset)
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                try compress(chunk, flush: Z_NO_FLUSH)
                offset += count
            }
            inputBytes += bytes.count
        } catch {
            close()
            throw error
        }
    }

    /// Compresses `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Compresses the UTF-8 bytes of `string`.
    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes the compressor, which ends the member with its trailer
    /// (CRC-32 and ISIZE), and releases zlib's memory. The sink has then
    /// received a complete file.
    @discardableResult
    public func finish() throws -> Totals {
        precondition(!isClosed, "GzipWriter used after finish() or after an error")
        do {
            try writeHeaderIfNeeded()
            try compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
            // In gzip mode `adler` is the CRC-32 zlib has just put in the trailer.
            let crc = UInt32(truncatingIfNeeded: stream.pointee.adler)
            let code = deflateEnd(stream)
            isStreamLive = false
            guard code == Z_OK else {
                throw GzipError(operation: "deflateEnd", code: code, zlibMessage: stream.pointee.msg)
            }
            close()
            return Totals(inputBytes: inputBytes, outputBytes: outputBytes, crc32: crc)
        } catch {
            close()
            throw error
        }
    }

    /// Has zlib write the member header alone: the first `deflate` call
    /// writes it, and without input nothing more. The deflate data then
    /// starts in an empty output buffer, so level 0's stored blocks, cut to
    /// the output space, don't depend on the header's length.
    private func writeHeaderIfNeeded() throws {
        guard !isHeaderWritten else { return }
        isHeaderWritten = true
        try compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_NO_FLUSH)
    }

    /// Feeds `input` to zlib and drains everything it produces to the sink.
    private func compress(_ input: UnsafeRawBufferPointer, flush: Int32) throws {
        let pointee = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.next_in = pointee
        stream.pointee.avail_in = uInt(input.count)
        // Don't leave zlib pointing at the caller's buffer once it is gone.
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        let outputStart = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        while true {
            stream.pointee.next_out = outputStart
            stream.pointee.avail_out = uInt(output.count)
            let code = deflate(stream, flush)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            }
            if flush == Z_FINISH {
                if code == Z_STREAM_END { return }
                // Z_OK with a full buffer means more output is pending; any
                // other code (even Z_BUF_ERROR, with a fresh buffer) is a failure.
                guard code == Z_OK else {
                    throw GzipError(operation: "deflate (finish)", code: code, zlibMessage: stream.pointee.msg)
                }
            } else {
                // Z_BUF_ERROR only says "no progress possible", which is fine
                // when the previous round happened to fill the buffer exactly.
                guard code == Z_OK || code == Z_BUF_ERROR else {
                    throw GzipError(operation: "deflate", code: code, zlibMessage: stream.pointee.msg)
                }
                // Space left over means zlib consumed all input and wants more.
                if stream.pointee.avail_out != 0 {
                    guard stream.pointee.avail_in == 0 else {
                        throw GzipError(
                            operation: "deflate", code: code,
                            message: "zlib stopped with \(stream.pointee.avail_in) input bytes unconsumed and output space left",
                            fix: "this is a bug in hss-export's gzip writer; please report it"
                        )
                    }
                    return
                }
            }
        }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        try sink(bytes)
        outputBytes += bytes.count
    }

    private func close() {
        isClosed = true
        endStream()
    }

    private func endStream() {
        guard isStreamLive else { return }
        isStreamLive = false
        // On error paths deflateEnd may report Z_DATA_ERROR (stream freed
        // early); the memory is released either way and the first error wins.
        _ = deflateEnd(stream)
    }
}
