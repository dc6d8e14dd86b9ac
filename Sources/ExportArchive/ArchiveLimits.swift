/// How much a downloaded archive may claim before it is refused as a zip bomb.
public struct ArchiveLimits: Sendable, Equatable {
    /// The pipeline-file key that sets ``maximumUncompressedBytes``; error messages name it.
    public static let uncompressedBytesOption = "download.max_uncompressed_bytes"
    /// The pipeline-file key that sets ``maximumEntries``; error messages name it.
    public static let entriesOption = "download.max_entries"

    /// The most bytes all entries may inflate to, together.
    public var maximumUncompressedBytes: Int
    /// The most entries an archive may hold.
    public var maximumEntries: Int

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maximumUncompressedBytes: the most bytes all entries may inflate to; default 4 GiB.
    ///   - maximumEntries: the most entries; default 100,000.
    public init(maximumUncompressedBytes: Int = 4 << 30, maximumEntries: Int = 100_000) {
        self.maximumUncompressedBytes = maximumUncompressedBytes
        self.maximumEntries = maximumEntries
    }
}
