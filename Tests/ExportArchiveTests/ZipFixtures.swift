import Foundation
import ZIPFoundation

/// A reproducible random generator, so a failing property case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// What a test puts into a zip made with ZIPFoundation.
struct FixtureEntry {
    var name: String
    var type: Entry.EntryType = .file
    var content: [UInt8] = []
    var method: CompressionMethod = .deflate
    var permissions: UInt16? = nil
}

enum ZipFixtures {
    /// Writes a zip with ZIPFoundation's own writer.
    static func make(at path: String, _ entries: [FixtureEntry]) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for entry in entries {
            let content = Data(entry.content)
            try archive.addEntry(
                with: entry.name, type: entry.type, uncompressedSize: Int64(content.count), permissions: entry.permissions,
                compressionMethod: entry.method
            ) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// Raw deflate of `count` zero bytes, compressed in chunks.
    static func deflatedZeros(_ count: Int) throws -> [UInt8] {
        var compressed: [UInt8] = []
        let chunk = Data(count: 64 * 1024)
        _ = try Data.compress(
            size: Int64(count), bufferSize: chunk.count,
            provider: { position, size in
                chunk.prefix(min(size, count - Int(position)))
            }, consumer: { compressed.append(contentsOf: $0) })
        return compressed
    }

    /// Raw deflate of `bytes`.
    static func deflated(_ bytes: [UInt8]) throws -> [UInt8] {
        var compressed: [UInt8] = []
        let data = Data(bytes)
        _ = try Data.compress(
            size: Int64(bytes.count), bufferSize: 64 * 1024,
            provider: { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }, consumer: { compressed.append(contentsOf: $0) })
        return compressed
    }

    /// CRC-32 (IEEE, as zip uses), computed bit by bit so the tests do not trust the code under test.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// CRC-32 of `count` zeros (zlib's, through ZIPFoundation), without holding them.
    static func crc32OfZeros(_ count: Int) -> UInt32 {
        var crc: UInt32 = 0
        let chunk = Data(count: 64 * 1024)
        var left = count
        while left > 0 {
            let size = min(left, chunk.count)
            crc = chunk.prefix(size).crc32(checksum: crc)
            left -= size
        }
        return crc
    }
}

/// A zip written byte by byte, so a test can make it lie.
struct RawZip {
    struct Member {
        var name: [UInt8]
        var method: UInt16
        var crc32: UInt32
        var data: [UInt8]
        var declaredCompressedSize: UInt32
        var declaredUncompressedSize: UInt32
        /// Upper 16 bits: the Unix mode, when `madeByUnix`.
        var externalAttributes: UInt32 = 0
        var madeByUnix = false

        /// An honest member.
        static func stored(_ name: String, _ content: [UInt8]) -> Member {
            Member(
                name: Array(name.utf8), method: 0, crc32: ZipFixtures.crc32(content), data: content,
                declaredCompressedSize: UInt32(content.count), declaredUncompressedSize: UInt32(content.count)
            )
        }

        /// An honest deflated member.
        static func deflated(_ name: String, _ content: [UInt8]) throws -> Member {
            let data = try ZipFixtures.deflated(content)
            return Member(
                name: Array(name.utf8), method: 8, crc32: ZipFixtures.crc32(content), data: data,
                declaredCompressedSize: UInt32(data.count), declaredUncompressedSize: UInt32(content.count)
            )
        }
    }

    var members: [Member]
    /// Central-directory records that point at the local header of member `index` again.
    var repeatedRecords: [Int] = []

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        var offsets: [UInt32] = []
        for member in members {
            offsets.append(UInt32(out.count))
            out += le(UInt32(0x0403_4b50)) + le(UInt16(20)) + le(UInt16(0x0800)) + le(member.method) + le(UInt16(0)) + le(UInt16(0x21))
            out += le(member.crc32) + le(member.declaredCompressedSize) + le(member.declaredUncompressedSize)
            out += le(UInt16(member.name.count)) + le(UInt16(0)) + member.name + member.data
        }
        let records = members.indices + repeatedRecords
        for index in records {
            let member = members[index]
            let madeBy: UInt16 = member.madeByUnix ? (3 << 8) | 20 : 20
            central += le(UInt32(0x0201_4b50)) + le(madeBy) + le(UInt16(20)) + le(UInt16(0x0800)) + le(member.method)
            central += le(UInt16(0)) + le(UInt16(0x21)) + le(member.crc32) + le(member.declaredCompressedSize)
            central += le(member.declaredUncompressedSize) + le(UInt16(member.name.count)) + le(UInt16(0)) + le(UInt16(0))
            central += le(UInt16(0)) + le(UInt16(0)) + le(member.externalAttributes) + le(offsets[index]) + member.name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le(UInt32(0x0605_4b50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(records.count)) + le(UInt16(records.count))
        out += le(UInt32(central.count)) + le(centralOffset) + le(UInt16(0))
        return out
    }

    private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

extension [UInt8] {
    func write(to path: String) throws {
        try Data(self).write(to: URL(fileURLWithPath: path))
    }
}
