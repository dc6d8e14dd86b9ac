/// A zip of CSV entries, stored (no compression) with data descriptors, written in one
/// pass a chunk at a time: its size is known before the first byte (for `Content-Length`),
/// each entry's CRC-32 is computed while it is sent, and nothing but the current chunk is
/// held in memory, so a 200 MB download costs 64 KB.
///
/// The same inputs give the same bytes: rows are seeded by the seed (the file id) and the
/// entry's position, and every timestamp is fixed.
struct StreamedZip: Sendable {
    struct Entry: Sendable {
        /// The name, verbatim (hostile names stay hostile).
        var name: [UInt8]
        var limit: EntryContent.Limit
        /// The content size.
        var size: Int
    }

    let seed: String
    let headers: [(field: String, title: String)]
    let entries: [Entry]
    /// The size of the whole archive in bytes.
    let totalSize: Int

    static let chunkSize = 1 << 16
    /// 2024-05-01 12:00 in MS-DOS format: fixed, so downloads are byte-identical.
    private static let dosTime: UInt16 = 12 << 11
    private static let dosDate: UInt16 = UInt16((2024 - 1980) << 9 | 5 << 5 | 1)
    /// Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8.
    private static let flags: UInt16 = 1 << 3 | 1 << 11
    private static let endOfCentralDirectorySize = 22

    /// Lays out an archive.
    /// - Parameters:
    ///   - seed: What the rows are seeded with (the file id).
    ///   - headers: The CSV columns.
    ///   - names: The entry names.
    ///   - rows: Data rows per entry, or `nil` to fill `bytes`.
    ///   - bytes: The exact archive size when `rows` is `nil`.
    init(seed: String, headers: [(field: String, title: String)], names: [String], rows: Int?, bytes: Int?) {
        self.seed = seed
        self.headers = headers
        let nameBytes = names.map { Array($0.utf8) }
        var entries: [Entry] = []
        if let bytes, rows == nil {
            let overhead = nameBytes.reduce(Self.endOfCentralDirectorySize) { $0 + Self.overhead(nameCount: $1.count) }
            let content = max(0, bytes - overhead)
            for (index, name) in nameBytes.enumerated() {
                let share = content / names.count + (index < content % names.count ? 1 : 0)
                let generator = CSVRowGenerator(headers: headers, seed: seed, entry: index)
                let limit = EntryContent.Limit.bytes(share)
                entries.append(Entry(name: name, limit: limit, size: EntryContent.size(generator: generator, limit: limit)))
            }
        } else {
            for (index, name) in nameBytes.enumerated() {
                let generator = CSVRowGenerator(headers: headers, seed: seed, entry: index)
                let limit = EntryContent.Limit.rows(rows ?? 0)
                entries.append(Entry(name: name, limit: limit, size: EntryContent.size(generator: generator, limit: limit)))
            }
        }
        self.entries = entries
        totalSize = entries.reduce(Self.endOfCentralDirectorySize) { $0 + Self.overhead(nameCount: $1.name.count) + $1.size }
    }

    /// Local header, data descriptor and central directory record of one entry.
    private static func overhead(nameCount: Int) -> Int {
        30 + nameCount + 16 + 46 + nameCount
    }

    /// Writes the archive through `emit`, in chunks of about 64 KB.
    func write(_ emit: ([UInt8]) async throws -> Void) async throws {
        var output: [UInt8] = []
        output.reserveCapacity(Self.chunkSize + 4096)
        var offset = 0
        var written: [(crc: UInt32, offset: Int)] = []
        for (index, entry) in entries.enumerated() {
            written.append((0, offset))
            let headerStart = output.count
            Self.appendLocalHeader(entry, to: &output)
            offset += output.count - headerStart
            var content = EntryContent(generator: CSVRowGenerator(headers: headers, seed: seed, entry: index), limit: entry.limit)
            var crc = CRC32()
            while !content.isFinished {
                let start = output.count
                content.fill(&output, upTo: Self.chunkSize)
                crc.update(output[start...])
                offset += output.count - start
                if output.count >= Self.chunkSize {
                    try await emit(output)
                    output.removeAll(keepingCapacity: true)
                }
            }
            precondition(content.count == entry.size, "entry \(index) produced \(content.count) bytes, laid out as \(entry.size)")
            written[index].crc = crc.value
            output.append(le32: 0x0807_4B50)
            output.append(le32: crc.value)
            output.append(le32: UInt32(entry.size))
            output.append(le32: UInt32(entry.size))
            offset += 16
        }
        let directoryOffset = offset
        var directorySize = 0
        for (index, entry) in entries.enumerated() {
            let start = output.count
            Self.appendCentralRecord(entry, crc: written[index].crc, offset: written[index].offset, to: &output)
            directorySize += output.count - start
            if output.count >= Self.chunkSize {
                try await emit(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        output.append(le32: 0x0605_4B50)
        output.append(le16: 0)
        output.append(le16: 0)
        output.append(le16: UInt16(entries.count))
        output.append(le16: UInt16(entries.count))
        output.append(le32: UInt32(directorySize))
        output.append(le32: UInt32(directoryOffset))
        output.append(le16: 0)
        try await emit(output)
    }

    private static func appendLocalHeader(_ entry: Entry, to output: inout [UInt8]) {
        output.append(le32: 0x0403_4B50)
        output.append(le16: 20)
        output.append(le16: flags)
        output.append(le16: 0)
        output.append(le16: dosTime)
        output.append(le16: dosDate)
        // CRC and sizes follow the data (bit 3).
        output.append(le32: 0)
        output.append(le32: 0)
        output.append(le32: 0)
        output.append(le16: UInt16(entry.name.count))
        output.append(le16: 0)
        output.append(contentsOf: entry.name)
    }

    private static func appendCentralRecord(_ entry: Entry, crc: UInt32, offset: Int, to output: inout [UInt8]) {
        output.append(le32: 0x0201_4B50)
        output.append(le16: 20)
        output.append(le16: 20)
        output.append(le16: flags)
        output.append(le16: 0)
        output.append(le16: dosTime)
        output.append(le16: dosDate)
        output.append(le32: crc)
        output.append(le32: UInt32(entry.size))
        output.append(le32: UInt32(entry.size))
        output.append(le16: UInt16(entry.name.count))
        output.append(le16: 0)
        output.append(le16: 0)
        output.append(le16: 0)
        output.append(le16: 0)
        output.append(le32: 0)
        output.append(le32: UInt32(offset))
        output.append(contentsOf: entry.name)
    }
}

extension [UInt8] {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        append(le16: UInt16(value & 0xFFFF))
        append(le16: UInt16(value >> 16))
    }
}
