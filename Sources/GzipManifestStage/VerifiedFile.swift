/// One file a manifest lists, and how it compares with the file on disk now.
public struct VerifiedFile: Sendable, Equatable {
    /// Which list of the manifest the file comes from.
    public enum Kind: String, Sendable {
        /// A file a stage wrote (`artifacts`).
        case artifact
        /// A downloaded archive (`archives`).
        case archive
        /// A file extracted from an archive (an entry of an archive with `extracted_to`).
        case extractedFile = "extracted_file"
    }

    /// How the file compares.
    public enum Status: String, Sendable {
        /// Same size and, where the manifest records one, same SHA-256.
        case ok
        /// No file at the path.
        case missing
        /// A different size (the SHA-256 is then not computed).
        case changedSize = "changed_size"
        /// The same size but a different SHA-256.
        case changedSHA256 = "changed_sha256"
        /// Something is at the path but cannot be read as a file (see ``VerifiedFile/reason``).
        case unreadable
    }

    /// Which list the file comes from.
    public var kind: Kind
    /// The path checked: the recorded one, resolved as ``ManifestVerifier`` describes.
    public var path: String
    /// The stage that wrote it (artifacts), or `nil`.
    public var stage: String?
    /// The task it belongs to (archives and extracted files), or `nil`.
    public var taskID: String?
    /// The size the manifest records.
    public var expectedBytes: Int
    /// The SHA-256 the manifest records; `nil` for an extracted file whose entry has none.
    public var expectedSHA256: String?
    /// The outcome.
    public var status: Status
    /// The size on disk, when the file could be examined.
    public var actualBytes: Int?
    /// The SHA-256 on disk, when it was computed.
    public var actualSHA256: String?
    /// Why it is ``Status/unreadable``.
    public var reason: String?

    /// Creates a result.
    public init(
        kind: Kind, path: String, stage: String? = nil, taskID: String? = nil, expectedBytes: Int, expectedSHA256: String?,
        status: Status, actualBytes: Int? = nil, actualSHA256: String? = nil, reason: String? = nil
    ) {
        self.kind = kind
        self.path = path
        self.stage = stage
        self.taskID = taskID
        self.expectedBytes = expectedBytes
        self.expectedSHA256 = expectedSHA256
        self.status = status
        self.actualBytes = actualBytes
        self.actualSHA256 = actualSHA256
        self.reason = reason
    }

    /// Whether the file matches the manifest.
    public var matches: Bool { status == .ok }
}
