/// What ``ManifestVerifier`` found: every file the manifest lists, in
/// manifest order (artifacts, then each archive followed by its extracted files).
public struct VerificationReport: Sendable, Equatable {
    /// The manifest, as an absolute path.
    public var manifestPath: String
    /// Its `manifest_version`.
    public var manifestVersion: Int
    /// Its `run_id`.
    public var runID: String
    /// Every file checked.
    public var files: [VerifiedFile]

    /// Creates a report.
    public init(manifestPath: String, manifestVersion: Int, runID: String, files: [VerifiedFile]) {
        self.manifestPath = manifestPath
        self.manifestVersion = manifestVersion
        self.runID = runID
        self.files = files
    }

    /// The files that do not match.
    public var problems: [VerifiedFile] { files.filter { !$0.matches } }

    /// Whether every file matches.
    public var allMatch: Bool { files.allSatisfy(\.matches) }
}
