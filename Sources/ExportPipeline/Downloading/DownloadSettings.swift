/// The pipeline's `download:` section: where finished tasks' files go and
/// how they are checked.
public struct DownloadSettings: Sendable, Equatable {
    /// The directory the archives are written to (resolved; created if missing).
    public var directory: String
    /// The largest file accepted; a bigger one ends its task with `error`.
    public var maximumBytes: Int
    /// The most bytes an archive's entries may inflate to, together (a zip bomb's tell).
    public var maximumUncompressedBytes: Int
    /// Whether each entry's SHA-256 is computed for the manifest.
    public var hashEntries: Bool
    /// Whether each archive is also extracted, into a folder named after it.
    public var extract: Bool

    /// Creates download settings.
    ///
    /// - Parameters:
    ///   - directory: where the archives go.
    ///   - maximumBytes: the largest file accepted; default 2 GiB.
    ///   - maximumUncompressedBytes: the most an archive may inflate to; default 8 GiB.
    ///   - hashEntries: SHA-256 of every entry's content; default `false` (CRC-32 is always checked).
    ///   - extract: extract each archive next to it; default `false`.
    public init(
        directory: String, maximumBytes: Int = 2 << 30, maximumUncompressedBytes: Int = 8 << 30, hashEntries: Bool = false,
        extract: Bool = false
    ) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.maximumUncompressedBytes = maximumUncompressedBytes
        self.hashEntries = hashEntries
        self.extract = extract
    }
}
