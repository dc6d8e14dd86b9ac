import Foundation

/// Reads a zip file the way an unzipper does, independently of the simulator's writer:
/// the end record, the central directory, each local header, and each entry's data streamed
/// from disk with its CRC-32 checked. Only what the simulator writes (stored entries, no
/// Zip64) is supported; anything else is a failure.
struct ZipTestReader {
    struct Entry: Equatable {
        var name: String
        var size: Int
        var crc: UInt32
    }

    let path: String
    private(set) var entries: [Entry] = []
    private var offsets: [Int] = []

    init(path: String) throws {
        self.path = path
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        guard size >= 22 else { throw TestFailure("\(path): \(size) bytes is too short for a zip") }
        let end = try Self.read(handle, at: size - 22, count: 22)
        guard Self.le32(end, 0) == 0x0605_4B50 else { throw TestFailure("\(path): no end of central directory record at the end") }
        let count = Int(Self.le16(end, 10))
        let directorySize = Int(Self.le32(end, 12))
        let directoryOffset = Int(Self.le32(end, 16))
        guard directoryOffset + directorySize == size - 22 else { throw TestFailure("\(path): central directory not before the end record") }
        let directory = try Self.read(handle, at: directoryOffset, count: directorySize)
        var position = 0
        for _ in 0..<count {
            guard Self.le32(directory, position) == 0x0201_4B50 else { throw TestFailure("\(path): bad central directory record") }
            let method = Self.le16(directory, position + 10)
            guard method == 0 else { throw TestFailure("\(path): entry compressed with method \(method)") }
            let crc = Self.le32(directory, position + 16)
            let compressed = Int(Self.le32(directory, position + 20))
            let uncompressed = Int(Self.le32(directory, position + 24))
            guard compressed == uncompressed else { throw TestFailure("\(path): stored entry with different sizes") }
            let nameLength = Int(Self.le16(directory, position + 28))
            let extra = Int(Self.le16(directory, position + 30))
            let comment = Int(Self.le16(directory, position + 32))
            let offset = Int(Self.le32(directory, position + 42))
            let name = String(decoding: directory[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            entries.append(Entry(name: name, size: uncompressed, crc: crc))
            offsets.append(offset)
            position += 46 + nameLength + extra + comment
        }
    }

    /// Checks every entry's local header and CRC-32, streaming its data; `body` gets the
    /// first bytes of each entry (up to 64 KB).
    func verify(_ body: (Entry, [UInt8]) throws -> Void = { _, _ in }) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        for (entry, offset) in zip(entries, offsets) {
            let local = try Self.read(handle, at: offset, count: 30)
            guard Self.le32(local, 0) == 0x0403_4B50 else { throw TestFailure("\(entry.name): no local header at \(offset)") }
            let nameLength = Int(Self.le16(local, 26))
            let extra = Int(Self.le16(local, 28))
            let name = String(decoding: try Self.read(handle, at: offset + 30, count: nameLength), as: UTF8.self)
            guard name == entry.name else { throw TestFailure("local name '\(name)' differs from the directory's '\(entry.name)'") }
            var remaining = entry.size
            var crc = TestCRC32()
            var head: [UInt8] = []
            try handle.seek(toOffset: UInt64(offset + 30 + nameLength + extra))
            while remaining > 0 {
                let chunk = [UInt8](try handle.read(upToCount: min(remaining, 1 << 20)) ?? Data())
                guard !chunk.isEmpty else { throw TestFailure("\(entry.name): data ends \(remaining) bytes early") }
                if head.count < 1 << 16 { head += chunk.prefix((1 << 16) - head.count) }
                crc.update(chunk)
                remaining -= chunk.count
            }
            guard crc.value == entry.crc else {
                throw TestFailure(
                    "\(entry.name): CRC-32 \(String(crc.value, radix: 16)) differs from the directory's \(String(entry.crc, radix: 16))")
            }
            try body(entry, head)
        }
    }

    private static func read(_ handle: FileHandle, at offset: Int, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: UInt64(offset))
        let data = [UInt8](try handle.read(upToCount: count) ?? Data())
        guard data.count == count else { throw TestFailure("short read at \(offset)") }
        return data
    }

    private static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    private static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(le16(bytes, at)) | UInt32(le16(bytes, at + 2)) << 16 }
}

/// A table CRC-32 of the tests' own, so the simulator's is checked, not trusted.
struct TestCRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    private var state: UInt32 = 0xFFFF_FFFF
    var value: UInt32 { ~state }

    mutating func update(_ bytes: [UInt8]) {
        var crc = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        state = crc
    }
}
