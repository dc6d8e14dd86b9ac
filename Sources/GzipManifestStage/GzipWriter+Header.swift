import Foundation

extension GzipWriter {
    /// The optional facts an RFC 1952 member header records about its content.
    ///
    /// ``reproducible`` records nothing (MTIME 0, no FNAME), so equal input
    /// compresses to equal bytes.
    public struct Header: Sendable, Equatable {
        /// MTIME: seconds since 1970-01-01 UTC; 0 means "no time stamp".
        public var modificationTime: UInt32
        /// FNAME: the original file name (no directory), written as
        /// ISO 8859-1. A name that ISO 8859-1 cannot spell, or that holds a NUL
        /// or a `/`, is left out rather than written mangled, because
        /// `gzip -dN` would restore it as a file name.
        public var fileName: String?

        /// A header with the given fields.
        public init(modificationTime: UInt32 = 0, fileName: String? = nil) {
            self.modificationTime = modificationTime
            self.fileName = fileName
        }

        /// No time stamp and no name: the header depends only on the level.
        public static let reproducible = Header()

        /// A header stamped with the current time and `fileName`.
        public static func now(fileName: String?) -> Header {
            let seconds = Int(Date().timeIntervalSince1970)
            // MTIME is 32 bits; after 2106 "no time stamp" beats a wrapped one.
            return Header(modificationTime: UInt32(exactly: seconds) ?? 0, fileName: fileName)
        }

        /// The file name as FNAME bytes (without the terminating zero), or
        /// `nil` when it is absent or cannot be written faithfully.
        var encodedFileName: [UInt8]? {
            guard let fileName, !fileName.isEmpty else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(fileName.unicodeScalars.count)
            for scalar in fileName.unicodeScalars {
                guard scalar.value != 0, scalar != "/", scalar.value <= 0xFF else { return nil }
                bytes.append(UInt8(scalar.value))
            }
            return bytes
        }

        /// The member header for data compressed at `level`: ID1 ID2 CM FLG
        /// MTIME XFL OS, then FNAME when present.
        ///
        /// XFL follows zlib's own gzip wrapper: 2 ("maximum compression") for
        /// level 9, 4 ("fastest") for levels 0 and 1, 0 otherwise. OS is 255
        /// ("unknown") so the bytes don't depend on the build machine.
        func bytes(level: Int) -> [UInt8] {
            let name = encodedFileName
            let flags: UInt8 = name == nil ? 0 : 0x08
            let extraFlags: UInt8 = level == 9 ? 2 : (level < 2 ? 4 : 0)
            var header: [UInt8] = [0x1f, 0x8b, 0x08, flags]
            header += GzipWriter.littleEndian(modificationTime)
            header += [extraFlags, 0xff]
            if let name { header += name + [0] }
            return header
        }
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff), UInt8(value >> 24)]
    }
}
