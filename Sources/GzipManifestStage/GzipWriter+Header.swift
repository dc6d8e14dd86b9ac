import Foundation
import SystemZlib

extension GzipWriter {
    /// The optional facts an RFC 1952 member header records about its content.
    ///
    /// zlib writes the header; this says what goes in it. ``reproducible``
    /// records nothing (MTIME 0, no FNAME), so equal input compresses to equal
    /// bytes.
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
    }
}

/// A ``GzipWriter/Header`` as the `gz_header` zlib writes the member header
/// from, at a fixed address.
///
/// `deflateSetHeader` keeps only the pointer and zlib reads the fields, and
/// the FNAME bytes, on the first `deflate` call, so the writer keeps this as
/// long as its stream. zlib fills in FLG, and XFL from the level (2 for 9,
/// 4 for 0 and 1, else 0).
final class PinnedGzipHeader {
    /// What to pass to `deflateSetHeader`.
    let pointer: UnsafeMutablePointer<gz_header>
    /// FNAME with its terminating zero.
    private let name: UnsafeMutableBufferPointer<Bytef>?

    init(_ header: GzipWriter.Header) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: gz_header())
        pointer.pointee.time = uLong(header.modificationTime)
        // 255, "unknown", so the bytes don't depend on the build machine.
        pointer.pointee.os = 255
        name = header.encodedFileName.map { bytes in
            let name = UnsafeMutableBufferPointer<Bytef>.allocate(capacity: bytes.count + 1)
            _ = name.initialize(from: bytes + [0])
            return name
        }
        pointer.pointee.name = name?.baseAddress
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
        name?.deallocate()
    }
}
