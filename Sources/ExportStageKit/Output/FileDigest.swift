import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The size and SHA-256 of a file's content.
public struct FileDigest: Sendable, Equatable {
    /// Size in bytes.
    public var bytes: Int
    /// Lower-case hex SHA-256.
    public var sha256: String

    /// Creates a digest.
    public init(bytes: Int, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// The digest of `bytes`.
    public init(of bytes: [UInt8]) {
        self.init(bytes: bytes.count, sha256: SHA256.hash(data: bytes).hexString)
    }

    /// The digest of a whole file on disk.
    public static func ofFile(at path: String) throws -> FileDigest {
        var hasher = SHA256()
        guard let (total, _) = try hash(fileAt: path, into: &hasher) else {
            throw OutputFileError(path: path, operation: "open for reading", errno: ENOENT)
        }
        return FileDigest(bytes: total, sha256: hasher.finalize().hexString)
    }

    /// Feeds the file's bytes to `hasher`: returns its size and last byte, or
    /// `nil` when there is no such file.
    static func hash(fileAt path: String, into hasher: inout SHA256) throws -> (bytes: Int, lastByte: UInt8?)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw OutputFileError(path: path, operation: "open for reading", errno: errno)
        }
        defer { close(descriptor) }
        var total = 0
        var last: UInt8?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: path, operation: "read", errno: errno)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            last = buffer[count - 1]
            total += count
        }
        return (total, last)
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex of the bytes.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        for byte in self {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}

extension SHA256.Digest {
    /// Lower-case hex of the digest.
    var hexString: String { Array(self).hexString }
}
