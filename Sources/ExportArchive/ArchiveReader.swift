import Foundation
import ZIPFoundation

/// An archive opened for checking: its entries as ZIPFoundation lists them,
/// matched with the raw central directory, and each entry's content streamed
/// once with its size and CRC-32 checked.
///
/// Shared by ``ArchiveInspector`` and ``ArchiveExtractor``, so both refuse the same archives.
final class ArchiveReader {
    /// What an entry is.
    enum Kind {
        case file
        case directory
        case symbolicLink
    }

    /// One entry: ZIPFoundation's name and kind, the raw directory's numbers.
    struct Item {
        var name: String
        var kind: Kind
        var record: ZipDirectory.Record
    }

    /// The size of a read and of an inflated chunk: memory stays bounded whatever the archive's size.
    static let chunkSize = 64 * 1024

    let path: String
    let items: [Item]
    private let file: ArchiveFile
    private let limit: Int
    private var inflatedTotal: UInt64 = 0

    init(path: String, limits: ArchiveLimits) throws(ArchiveError) {
        self.path = path
        file = try ArchiveFile(path: path)
        let directory = try ZipDirectory(file: file, limits: limits)
        var declared: UInt64 = 0
        for record in directory.records {
            let (sum, overflow) = declared.addingReportingOverflow(record.uncompressedSize)
            declared = overflow ? .max : sum
        }
        guard declared <= UInt64(max(0, limits.maximumUncompressedBytes)) else {
            throw ArchiveError(path: path, kind: .declaredSizeTooLarge(bytes: declared, limit: limits.maximumUncompressedBytes))
        }
        limit = limits.maximumUncompressedBytes

        let listing: [Entry]
        do {
            listing = Array(try Archive(url: URL(fileURLWithPath: path), accessMode: .read))
        } catch {
            throw ArchiveError(path: path, kind: .corrupt(reason: "ZIPFoundation cannot open it (\(error))"))
        }
        guard listing.count == directory.records.count else {
            throw ArchiveError(
                path: path,
                kind: .corrupt(reason: "the end record declares \(directory.records.count) entries but only \(listing.count) can be read")
            )
        }
        var items: [Item] = []
        for (entry, record) in zip(listing, directory.records) {
            guard entry.compressedSize == record.compressedSize || record.flags & 8 != 0 else {
                throw ArchiveError(path: path, kind: .corrupt(reason: "entry \(ArchiveError.printable(entry.path)) is listed inconsistently"))
            }
            if record.isEncrypted {
                throw ArchiveError(path: path, kind: .unsupported(entry: entry.path, reason: "is encrypted"))
            }
            let kind: Kind
            switch entry.type {
            case .file: kind = .file
            case .directory: kind = .directory
            case .symlink: kind = .symbolicLink
            }
            if kind != .directory, record.method != 0, record.method != 8 {
                throw ArchiveError(
                    path: path,
                    kind: .unsupported(entry: entry.path, reason: "uses compression method \(record.method) (only stored and deflate are read)"))
            }
            if kind != .directory, record.method == 0, record.compressedSize != record.uncompressedSize {
                throw ArchiveError(
                    path: path,
                    kind: .sizeMismatch(
                        entry: entry.path, declared: record.uncompressedSize, actual: record.compressedSize,
                        isLonger: record.compressedSize > record.uncompressedSize)
                )
            }
            items.append(Item(name: entry.path, kind: kind, record: record))
        }
        self.items = items
    }

    /// Streams the entry's content to `consume` in chunks of at most ``chunkSize`` bytes, then checks
    /// that it had the declared size and CRC-32. Stops as soon as the entry inflates past its declared
    /// size or all entries together past the limit, so a lying archive costs no more than the limit.
    func read(_ item: Item, _ consume: (Data) throws -> Void) throws {
        let record = item.record
        guard item.kind != .directory else { return }
        var produced: UInt64 = 0
        var remaining = record.compressedSize
        var cursor = record.dataOffset
        var stalls = 0
        func accept(_ data: Data) throws {
            if data.isEmpty {
                // Once the input is spent, every round must inflate something or end; ZIPFoundation would not notice.
                if remaining == 0 {
                    stalls += 1
                    if stalls > 64 {
                        throw self.error(.corrupt(reason: "the compressed data of entry \(ArchiveError.printable(item.name)) never ends"))
                    }
                }
                return
            }
            stalls = 0
            produced += UInt64(data.count)
            self.inflatedTotal += UInt64(data.count)
            if produced > record.uncompressedSize {
                throw self.error(.sizeMismatch(entry: item.name, declared: record.uncompressedSize, actual: produced, isLonger: true))
            }
            if self.inflatedTotal > UInt64(max(0, self.limit)) {
                throw self.error(.inflatedSizeTooLarge(limit: self.limit))
            }
            try consume(data)
        }
        let checksum: UInt32
        if record.method == 0 {
            var crc: UInt32 = 0
            while remaining > 0 {
                let count = Int(min(remaining, UInt64(Self.chunkSize)))
                let data = Data(try file.bytes(at: cursor, count: count, what: "the data of entry \(ArchiveError.printable(item.name))"))
                cursor += UInt64(count)
                remaining -= UInt64(count)
                crc = data.crc32(checksum: crc)
                try accept(data)
            }
            checksum = crc
        } else {
            func provider(_: Int64, _ requested: Int) throws -> Data {
                try compressedChunk(of: item, requested: requested, cursor: &cursor, remaining: &remaining)
            }
            do {
                checksum = try Data.decompress(
                    size: Int64(record.compressedSize), bufferSize: Self.chunkSize, skipCRC32: false, provider: provider, consumer: accept
                )
            } catch let error as ArchiveError {
                throw error
            } catch {
                throw self.error(.corrupt(reason: "the compressed data of entry \(ArchiveError.printable(item.name)) does not inflate (\(error))"))
            }
        }
        guard produced == record.uncompressedSize else {
            throw self.error(.sizeMismatch(entry: item.name, declared: record.uncompressedSize, actual: produced, isLonger: false))
        }
        guard checksum == record.crc32 else {
            throw self.error(.checksumMismatch(entry: item.name, recorded: record.crc32, actual: checksum))
        }
    }

    /// The next piece of an entry's compressed data, never past its declared compressed size.
    ///
    /// ZIPFoundation's zlib path (Linux) asks for a full buffer each round, reads past the
    /// entry, hands zlib a full buffer's length whatever it got, and loops forever once the
    /// file ends before the deflate stream does. So this answers exactly what was asked,
    /// padding the last piece, and throws when asked again: a stream that does not end within
    /// its declared size is damaged. Apple's Compression path asks only for what is left.
    private func compressedChunk(of item: Item, requested: Int, cursor: inout UInt64, remaining: inout UInt64) throws -> Data {
        #if os(macOS) || os(iOS) || os(tvOS) || os(visionOS) || os(watchOS)
            let count = Int(min(remaining, UInt64(max(0, requested))))
            let data = Data(try file.bytes(at: cursor, count: count, what: "the data of entry \(ArchiveError.printable(item.name))"))
            cursor += UInt64(count)
            remaining -= UInt64(count)
            return data
        #else
            guard remaining > 0 else {
                throw error(
                    .corrupt(
                        reason:
                            "the compressed data of entry \(ArchiveError.printable(item.name)) does not end within its declared \(item.record.compressedSize) bytes"
                    ))
            }
            let count = Int(min(remaining, UInt64(max(0, requested))))
            var bytes = try file.bytes(at: cursor, count: count, what: "the data of entry \(ArchiveError.printable(item.name))")
            cursor += UInt64(count)
            remaining -= UInt64(count)
            // All ones never ends a deflate block cleanly, so zlib runs out of input and asks again.
            bytes.append(contentsOf: repeatElement(0xFF, count: max(0, requested - count)))
            return Data(bytes)
        #endif
    }

    private func error(_ kind: ArchiveError.Kind) -> ArchiveError {
        ArchiveError(path: path, kind: kind)
    }
}
