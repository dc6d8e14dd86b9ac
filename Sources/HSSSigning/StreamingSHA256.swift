import Crypto

/// SHA-256 over bytes that arrive in pieces, as lower-case hex: the payload hash of a
/// body, or the digest of a download written chunk by chunk.
///
/// Lives here because this target already holds the package's hashing for signatures;
/// the client uses it to hash downloads without keeping them in memory.
public struct StreamingSHA256: Sendable {
    private var hasher = SHA256()

    /// Starts an empty digest.
    public init() {}

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
    }

    /// The lower-case hex digest of everything added; the hasher itself is unchanged.
    public func finalize() -> String {
        Hex.encode(hasher.finalize())
    }
}
