import Crypto
public import ExportStageKit
import Foundation

/// Checks that a downloaded file is a sound zip and lists its entries.
public enum ArchiveInspector {
    /// Reads the archive's central directory and every entry's content once.
    ///
    /// Refuses, with an ``ArchiveError``, a file that is empty or not a zip, a damaged or
    /// truncated archive (a broken or inconsistent central directory, entries that overlap,
    /// data that runs past the directory), an encrypted entry or one compressed other than
    /// stored or deflate, more entries than `limits.maximumEntries`, and entries that declare
    /// more than `limits.maximumUncompressedBytes` together. Then each entry is inflated in
    /// 64 KiB chunks, so memory stays bounded: reading stops as soon as an entry inflates past
    /// its declared size (declared sizes can lie) or all of them past the limit, and each
    /// entry's size and CRC-32 must match what the archive records.
    ///
    /// - Parameters:
    ///   - path: the archive.
    ///   - hashEntries: also compute each file entry's SHA-256 (directories get none).
    ///   - limits: the zip-bomb limits.
    /// - Returns: the entries in central-directory order, names verbatim.
    public static func inspect(fileAt path: String, hashEntries: Bool, limits: ArchiveLimits) throws -> [ArchiveEntry] {
        let reader = try ArchiveReader(path: path, limits: limits)
        var entries: [ArchiveEntry] = []
        entries.reserveCapacity(reader.items.count)
        for item in reader.items {
            var hasher = SHA256()
            try reader.read(item) { data in
                if hashEntries { hasher.update(data: data) }
            }
            let digest = hashEntries && item.kind != .directory ? Hex.string(hasher.finalize()) : nil
            entries.append(
                ArchiveEntry(
                    name: item.name,
                    compressedSize: Int(clamping: item.record.compressedSize),
                    uncompressedSize: Int(clamping: item.record.uncompressedSize),
                    crc32: item.record.crc32,
                    sha256: digest
                )
            )
        }
        return entries
    }
}

/// Lower-case hex.
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
