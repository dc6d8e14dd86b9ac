/// Builds a minimal valid zip archive (one entry, stored without compression), so a
/// download returns bytes that `unzip -t` and Python's `zipfile` accept.
enum StoredZip {
    static func make(fileName: String, contents: [UInt8]) -> [UInt8] {
        let name = Array(fileName.utf8)
        let crc = crc32(contents)
        let size = UInt32(contents.count)
        // 1980-01-01 00:00, the zip epoch: a fixed time keeps downloads byte-identical.
        let dosTime: UInt16 = 0
        let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
        // Bit 11: the name is UTF-8.
        let flags: UInt16 = 1 << 11

        var zip: [UInt8] = []
        zip.append(le32: 0x0403_4B50)
        zip.append(le16: 20)
        zip.append(le16: flags)
        zip.append(le16: 0)
        zip.append(le16: dosTime)
        zip.append(le16: dosDate)
        zip.append(le32: crc)
        zip.append(le32: size)
        zip.append(le32: size)
        zip.append(le16: UInt16(name.count))
        zip.append(le16: 0)
        zip += name
        zip += contents

        let centralDirectoryOffset = UInt32(zip.count)
        zip.append(le32: 0x0201_4B50)
        zip.append(le16: 20)
        zip.append(le16: 20)
        zip.append(le16: flags)
        zip.append(le16: 0)
        zip.append(le16: dosTime)
        zip.append(le16: dosDate)
        zip.append(le32: crc)
        zip.append(le32: size)
        zip.append(le32: size)
        zip.append(le16: UInt16(name.count))
        zip.append(le16: 0)
        zip.append(le16: 0)
        zip.append(le16: 0)
        zip.append(le16: 0)
        zip.append(le32: 0)
        zip.append(le32: 0)
        zip += name
        let centralDirectorySize = UInt32(zip.count) - centralDirectoryOffset

        zip.append(le32: 0x0605_4B50)
        zip.append(le16: 0)
        zip.append(le16: 0)
        zip.append(le16: 1)
        zip.append(le16: 1)
        zip.append(le32: centralDirectorySize)
        zip.append(le32: centralDirectoryOffset)
        zip.append(le16: 0)
        return zip
    }

    /// CRC-32 (IEEE 802.3, reflected, as zip uses).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
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
