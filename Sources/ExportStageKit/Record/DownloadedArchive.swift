/// The exported file of a task, downloaded, verified and kept on disk.
///
/// Filled in by the pipeline when its `download:` section is set and the task
/// succeeded; the gzip manifest lists it with its entries, so the night's
/// archives can be checked later with `hss-export verify`.
public struct DownloadedArchive: Sendable, Equatable {
    /// Where the archive was written (the resolved path).
    public var path: String
    /// Its size in bytes.
    public var bytes: Int
    /// Lower-case hex SHA-256 of its bytes.
    public var sha256: String
    /// Its entries, in central-directory order.
    public var entries: [ArchiveEntry]
    /// The folder it was extracted into, when `extract: true`.
    public var extractedTo: String?

    /// Creates a downloaded-archive description.
    public init(path: String, bytes: Int, sha256: String, entries: [ArchiveEntry] = [], extractedTo: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.entries = entries
        self.extractedTo = extractedTo
    }
}

/// One entry of a downloaded zip, as its central directory describes it.
public struct ArchiveEntry: Sendable, Equatable {
    /// The entry's path inside the archive, verbatim.
    public var name: String
    /// Bytes stored in the archive.
    public var compressedSize: Int
    /// Bytes once inflated.
    public var uncompressedSize: Int
    /// The CRC-32 the archive records (and, when read, the content matched).
    public var crc32: UInt32
    /// Lower-case hex SHA-256 of the inflated content, when asked for (`download.hash_entries`).
    public var sha256: String?

    /// Creates an entry description.
    public init(name: String, compressedSize: Int, uncompressedSize: Int, crc32: UInt32, sha256: String? = nil) {
        self.name = name
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.crc32 = crc32
        self.sha256 = sha256
    }
}
