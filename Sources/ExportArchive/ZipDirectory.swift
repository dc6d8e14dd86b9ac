/// The central directory as its raw bytes say, with where each entry's data lies.
///
/// ZIPFoundation lists the entries, but keeps to itself what a careful reader
/// needs: how many entries the end record declares (its iterator stops
/// silently at a broken record), where each entry's data starts, the
/// compression method and the encryption flag. This walks the same records,
/// bounded by the file's size, and checks that entries neither overlap
/// (a known zip-bomb construction) nor reach into the directory.
struct ZipDirectory {
    /// One central-directory record.
    struct Record {
        var rawName: [UInt8]
        var flags: UInt16
        var method: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        var dataOffset: UInt64

        var isEncrypted: Bool { flags & 1 != 0 }
    }

    var records: [Record]

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    init(file: ArchiveFile, limits: ArchiveLimits) throws(ArchiveError) {
        let path = file.path
        func corrupt(_ reason: String) -> ArchiveError { ArchiveError(path: path, kind: .corrupt(reason: reason)) }
        guard file.size > 0 else { throw ArchiveError(path: path, kind: .empty) }
        guard file.size >= 22 else { throw ArchiveError(path: path, kind: .notAZip) }

        // The end record is the last 22 bytes plus a comment of up to 65,535 bytes.
        let tailLength = Int(min(file.size, 22 + 65_535))
        let tailStart = file.size - UInt64(tailLength)
        let tail = try file.bytes(at: tailStart, count: tailLength, what: "the end of the file")
        var found: Int?
        var index = tailLength - 22
        while index >= 0 {
            if tail.little(index, as: UInt32.self) == Self.endSignature {
                found = index
                break
            }
            index -= 1
        }
        guard let endIndex = found else { throw ArchiveError(path: path, kind: .notAZip) }
        let endOffset = tailStart + UInt64(endIndex)
        let disk: UInt16 = tail.little(endIndex + 4)
        let directoryDisk: UInt16 = tail.little(endIndex + 6)
        var count = UInt64(tail.little(endIndex + 10, as: UInt16.self))
        var directorySize = UInt64(tail.little(endIndex + 12, as: UInt32.self))
        var directoryOffset = UInt64(tail.little(endIndex + 16, as: UInt32.self))
        var directoryEnd = endOffset

        if endOffset >= 20,
            try file.bytes(at: endOffset - 20, count: 20, what: "the ZIP64 locator").little(0, as: UInt32.self) == Self.zip64LocatorSignature
        {
            let locator = try file.bytes(at: endOffset - 20, count: 20, what: "the ZIP64 locator")
            let recordOffset: UInt64 = locator.little(8)
            let record = try file.bytes(at: recordOffset, count: 56, what: "the ZIP64 end record")
            guard record.little(0, as: UInt32.self) == Self.zip64EndSignature else {
                throw corrupt("the ZIP64 locator points at offset \(recordOffset), which holds no ZIP64 end record")
            }
            count = record.little(32)
            directorySize = record.little(40)
            directoryOffset = record.little(48)
            directoryEnd = recordOffset
        } else if disk != 0 || directoryDisk != 0 {
            throw ArchiveError(path: path, kind: .unsupported(entry: nil, reason: "is split over several disks"))
        }

        guard count <= UInt64(limits.maximumEntries) else {
            throw ArchiveError(path: path, kind: .tooManyEntries(count: Int(clamping: count), limit: limits.maximumEntries))
        }
        guard directoryOffset <= directoryEnd, directorySize <= directoryEnd - directoryOffset else {
            throw corrupt("the central directory (\(directorySize) bytes at offset \(directoryOffset)) does not fit before its end record")
        }
        guard count * 46 <= directorySize else {
            throw corrupt("the end record declares \(count) entries, more than a \(directorySize)-byte central directory holds")
        }

        var records: [Record] = []
        records.reserveCapacity(Int(count))
        var cursor = directoryOffset
        let limit = directoryOffset + directorySize
        for number in 0..<count {
            guard limit - cursor >= 46 else { throw corrupt("central-directory record \(number + 1) of \(count) is cut off") }
            let header = try file.bytes(at: cursor, count: 46, what: "central-directory record \(number + 1)")
            guard header.little(0, as: UInt32.self) == Self.centralSignature else {
                throw corrupt("central-directory record \(number + 1) of \(count) has no signature at offset \(cursor)")
            }
            let nameLength = Int(header.little(28, as: UInt16.self))
            let extraLength = Int(header.little(30, as: UInt16.self))
            let commentLength = Int(header.little(32, as: UInt16.self))
            let recordLength = UInt64(46 + nameLength + extraLength + commentLength)
            guard limit - cursor >= recordLength else { throw corrupt("central-directory record \(number + 1) of \(count) is cut off") }
            let name = try file.bytes(at: cursor + 46, count: nameLength, what: "an entry name")
            let extra = try file.bytes(at: cursor + 46 + UInt64(nameLength), count: extraLength, what: "an extra field")
            var record = Record(
                rawName: name, flags: header.little(8), method: header.little(10), crc32: header.little(16),
                compressedSize: UInt64(header.little(20, as: UInt32.self)), uncompressedSize: UInt64(header.little(24, as: UInt32.self)),
                localHeaderOffset: UInt64(header.little(42, as: UInt32.self)), dataOffset: 0
            )
            try Self.applyZIP64(extra, to: &record, path: path)
            record.dataOffset = try Self.dataOffset(of: record, in: file, before: directoryOffset)
            records.append(record)
            cursor += recordLength
        }
        try Self.checkNoOverlap(records, path: path)
        self.records = records
    }

    /// Sizes and offset of 4 GiB and more live in the ZIP64 extra field (id 1), in this order, each only when its
    /// 32-bit field is all ones.
    private static func applyZIP64(_ extra: [UInt8], to record: inout Record, path: String) throws(ArchiveError) {
        let needed = [record.uncompressedSize, record.compressedSize, record.localHeaderOffset].filter { $0 == 0xFFFF_FFFF }.count
        guard needed > 0 else { return }
        var offset = 0
        while offset + 4 <= extra.count {
            let id: UInt16 = extra.little(offset)
            let size = Int(extra.little(offset + 2, as: UInt16.self))
            guard offset + 4 + size <= extra.count else { break }
            if id == 1 {
                guard size >= needed * 8 else { break }
                var field = offset + 4
                if record.uncompressedSize == 0xFFFF_FFFF {
                    record.uncompressedSize = extra.little(field)
                    field += 8
                }
                if record.compressedSize == 0xFFFF_FFFF {
                    record.compressedSize = extra.little(field)
                    field += 8
                }
                if record.localHeaderOffset == 0xFFFF_FFFF { record.localHeaderOffset = extra.little(field) }
                return
            }
            offset += 4 + size
        }
        throw ArchiveError(path: path, kind: .corrupt(reason: "an entry marks its size as ZIP64 but has no usable ZIP64 extra field"))
    }

    /// Where the entry's data starts, after its local header; the data must end before the central directory.
    private static func dataOffset(of record: Record, in file: ArchiveFile, before directoryOffset: UInt64) throws(ArchiveError) -> UInt64 {
        let path = file.path
        let name = ArchiveError.printable(String(decoding: record.rawName, as: UTF8.self))
        let header = try file.bytes(at: record.localHeaderOffset, count: 30, what: "the local header of entry \(name)")
        guard header.little(0, as: UInt32.self) == Self.localSignature else {
            throw ArchiveError(
                path: path, kind: .corrupt(reason: "entry \(name) points at offset \(record.localHeaderOffset), which holds no local header"))
        }
        let method: UInt16 = header.little(8)
        guard method == record.method else {
            throw ArchiveError(
                path: path,
                kind: .corrupt(reason: "entry \(name) has compression method \(method) locally but \(record.method) in the central directory"))
        }
        let start = record.localHeaderOffset + 30 + UInt64(header.little(26, as: UInt16.self)) + UInt64(header.little(28, as: UInt16.self))
        guard start <= directoryOffset, record.compressedSize <= directoryOffset - start else {
            throw ArchiveError(
                path: path,
                kind: .corrupt(
                    reason:
                        "the data of entry \(name) (\(record.compressedSize) bytes at offset \(start)) reaches into the central directory or past the end of the file"
                ))
        }
        return start
    }

    /// Entries whose local header and data overlap another's share bytes: the way a small archive
    /// declares the same compressed data many times over.
    private static func checkNoOverlap(_ records: [Record], path: String) throws(ArchiveError) {
        let spans = records.map { (start: $0.localHeaderOffset, end: $0.dataOffset + $0.compressedSize, name: $0.rawName) }
            .sorted { $0.start < $1.start }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.start < previous.end {
            let first = ArchiveError.printable(String(decoding: previous.name, as: UTF8.self))
            let second = ArchiveError.printable(String(decoding: next.name, as: UTF8.self))
            throw ArchiveError(path: path, kind: .corrupt(reason: "entries \(first) and \(second) overlap (a zip-bomb construction)"))
        }
    }
}
