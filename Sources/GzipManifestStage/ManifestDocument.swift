public import ExportStageKit

/// What a gzip-manifest file lists, read back: its version, the run's id,
/// the artifacts of the stages before it and the downloaded archives.
///
/// Reads versions 1 (no `archives`) and 2. The `results`, `pipeline` and
/// `summary` members are skipped, not parsed, so reading a manifest of
/// 100,000 records builds values only for what ``ManifestVerifier`` checks.
///
/// ```swift
/// let manifest = try ManifestDocument.read(contentsOf: "/srv/hss/manifest.json.gz")
/// print(manifest.archives.map(\.archive.path))
/// ```
public struct ManifestDocument: Sendable, Equatable {
    /// The manifest versions this reader understands.
    public static let supportedVersions = 1...GzipManifestStage.manifestVersion

    /// `manifest_version`.
    public var version: Int
    /// `run_id`.
    public var runID: String
    /// `artifacts`, in document order.
    public var artifacts: [Artifact]
    /// `archives`, in document order; empty for version 1.
    public var archives: [ManifestArchive]

    /// Creates a document.
    public init(version: Int, runID: String, artifacts: [Artifact], archives: [ManifestArchive]) {
        self.version = version
        self.runID = runID
        self.artifacts = artifacts
        self.archives = archives
    }

    /// Reads and inflates the manifest at `path`.
    ///
    /// - Parameter maximumBytes: the most the manifest may inflate to (default 1 GiB).
    /// - Throws: ``ManifestReadError`` naming `path` and the problem.
    public static func read(contentsOf path: String, maximumBytes: Int = GzipReader.defaultMaximumBytes) throws(ManifestReadError)
        -> ManifestDocument
    {
        let text: [UInt8]
        do {
            text = try GzipReader.decompressFile(at: path, maximumBytes: maximumBytes)
        } catch let error as OutputFileError {
            throw ManifestReadError(path: path, problem: error.message, fix: error.fix)
        } catch let error as GzipReadError {
            // "gzip: …" already says it is about the compression; the path is ours to add.
            throw ManifestReadError(path: path, problem: error.description)
        } catch {
            throw ManifestReadError(path: path, problem: "\(error)")
        }
        do {
            return try ManifestDocument(json: text)
        } catch let error as ManifestFormatError {
            throw ManifestReadError(path: path, problem: error.description, fix: fix(for: error))
        } catch {
            throw ManifestReadError(path: path, problem: "\(error)")
        }
    }

    /// Parses the inflated JSON text of a manifest.
    init(json text: [UInt8]) throws {
        let scanner = ManifestScanner(bytes: text)
        var version: Int?
        var runID: String?
        var artifacts: [Artifact]?
        var archives: [ManifestArchive]?
        try scanner.members { key, range in
            switch key {
            case "manifest_version":
                let value = try scanner.value(at: range)
                guard case .numberLiteral(let literal) = value, let number = Int(literal) else {
                    throw ManifestFormatError(location: key, message: "expected a whole number, found \(value.serialized)")
                }
                version = number
            case "run_id":
                guard case .string(let text) = try scanner.value(at: range) else {
                    throw ManifestFormatError(location: key, message: "expected a string")
                }
                runID = text
            case "artifacts":
                artifacts = try Self.elements(of: key, at: range, in: scanner).enumerated().map { index, element in
                    try Self.artifact(try scanner.value(at: element), at: "artifacts[\(index)]")
                }
            case "archives":
                // One element's value at a time: the tree of the whole list never exists.
                archives = try Self.elements(of: key, at: range, in: scanner).enumerated().map { index, element in
                    try ManifestArchive(json: try scanner.value(at: element), at: "archives[\(index)]")
                }
            default:
                break
            }
        }
        guard let version else {
            throw ManifestFormatError(location: "manifest_version", message: "is missing, so this is not a manifest the gzip-manifest stage wrote")
        }
        guard Self.supportedVersions.contains(version) else {
            throw ManifestFormatError(
                location: "manifest_version",
                message: "\(version) is not one this hss-export reads (\(Self.supportedVersions.lowerBound) to \(Self.supportedVersions.upperBound))")
        }
        guard let runID else { throw ManifestFormatError(location: "run_id", message: "is missing") }
        guard let artifacts else { throw ManifestFormatError(location: "artifacts", message: "is missing") }
        if version >= 2, archives == nil {
            throw ManifestFormatError(location: "archives", message: "is missing (manifest_version 2 always lists it)")
        }
        self.init(version: version, runID: runID, artifacts: artifacts, archives: archives ?? [])
    }

    /// The elements of the array member `key`, parsed one at a time.
    /// The ranges of the elements of the array member `key`.
    private static func elements(of key: String, at range: Range<Int>, in scanner: ManifestScanner) throws -> [Range<Int>] {
        guard let ranges = try scanner.elements(of: range) else { throw ManifestFormatError(location: key, message: "expected an array") }
        return ranges
    }

    private static func artifact(_ value: JSONValue, at location: String) throws -> Artifact {
        let fields = try ManifestFields(value, at: location)
        return Artifact(
            stage: try fields.string("stage"), path: try fields.string("path"), bytes: try fields.count("bytes"), sha256: try fields.sha256("sha256"))
    }

    private static func fix(for error: ManifestFormatError) -> String {
        if error.location == "manifest_version", error.message.contains("not one this") {
            return "verify it with the hss-export version that wrote it, or a newer one"
        }
        return "give a manifest written by the gzip-manifest stage; if it is one, it was changed after it was written"
    }
}
