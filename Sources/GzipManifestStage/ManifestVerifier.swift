import ExportStageKit
import Foundation

/// Checks the files a gzip manifest lists against the disk: every artifact
/// and every downloaded archive by size and SHA-256, and the files
/// extracted from archives.
///
/// Paths are checked as the manifest records them when absolute (the stages
/// and the pipeline record resolved, absolute paths). A relative path is
/// taken relative to the directory holding the manifest, so a manifest
/// whose paths are relative still verifies after the whole output directory
/// was moved. An extracted file is `extracted_to` joined with the entry's
/// name; it is checked for its size, and for its SHA-256 when the entry
/// records one (`download.hash_entries`). Directory entries (names ending
/// in `/`) are not checked.
///
/// Files are hashed streaming, 64 KiB at a time, one after the other; a file
/// whose size differs is not hashed at all.
///
/// ```swift
/// let report = try ManifestVerifier().verify(manifestAt: "/srv/hss/manifest.json.gz")
/// report.problemLines.forEach { print($0) }
/// print(report.summaryLine)
/// ```
public struct ManifestVerifier: Sendable {
    /// Whether the files extracted from archives are checked too.
    public var checksExtractedFiles: Bool
    /// The most the manifest may inflate to.
    public var maximumManifestBytes: Int

    /// Creates a verifier.
    ///
    /// - Parameters:
    ///   - checksExtractedFiles: also check the files of archives with `extracted_to`; default `true`.
    ///   - maximumManifestBytes: the most the manifest may inflate to; default 1 GiB.
    public init(checksExtractedFiles: Bool = true, maximumManifestBytes: Int = GzipReader.defaultMaximumBytes) {
        self.checksExtractedFiles = checksExtractedFiles
        self.maximumManifestBytes = maximumManifestBytes
    }

    /// Reads the manifest at `path` (relative to the current directory when relative) and checks every file it lists.
    ///
    /// - Throws: ``ManifestReadError`` when the manifest cannot be read; a
    ///   listed file that is missing or changed is in the report, not thrown.
    public func verify(manifestAt path: String) throws(ManifestReadError) -> VerificationReport {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let document = try ManifestDocument.read(contentsOf: absolute, maximumBytes: maximumManifestBytes)
        return verify(document, manifestPath: absolute)
    }

    /// Checks every file `document` lists; relative paths resolve against the directory of `manifestPath`.
    public func verify(_ document: ManifestDocument, manifestPath: String) -> VerificationReport {
        let directory = FilePath.directory(of: manifestPath)
        var files: [VerifiedFile] = []
        for artifact in document.artifacts {
            files.append(
                Self.check(
                    VerifiedFile(
                        kind: .artifact, path: Self.resolve(artifact.path, against: directory), stage: artifact.stage,
                        expectedBytes: artifact.bytes, expectedSHA256: artifact.sha256, status: .ok)))
        }
        for entry in document.archives {
            let archive = entry.archive
            files.append(
                Self.check(
                    VerifiedFile(
                        kind: .archive, path: Self.resolve(archive.path, against: directory), taskID: entry.taskID,
                        expectedBytes: archive.bytes, expectedSHA256: archive.sha256, status: .ok)))
            guard checksExtractedFiles, let extractedTo = archive.extractedTo else { continue }
            let folder = Self.resolve(extractedTo, against: directory)
            for member in archive.entries where !member.name.hasSuffix("/") {
                var file = VerifiedFile(
                    kind: .extractedFile, path: folder + "/" + member.name, taskID: entry.taskID,
                    expectedBytes: member.uncompressedSize, expectedSHA256: member.sha256, status: .ok)
                guard Self.staysInside(member.name) else {
                    // A safe extractor never wrote such a file; reading outside the folder would check something else.
                    file.status = .unreadable
                    file.reason = "the entry name leaves \(folder); not checked"
                    files.append(file)
                    continue
                }
                files.append(Self.check(file))
            }
        }
        return VerificationReport(manifestPath: manifestPath, manifestVersion: document.version, runID: document.runID, files: files)
    }

    /// `path` when absolute, else joined to `directory` (no `~` expansion: the manifest is data).
    static func resolve(_ path: String, against directory: String) -> String {
        path.hasPrefix("/") ? path : (directory == "/" ? "" : directory) + "/" + path
    }

    /// Whether an entry name, joined to a folder, stays inside it.
    static func staysInside(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// `file` with its status and what was found on disk.
    static func check(_ file: VerifiedFile) -> VerifiedFile {
        var file = file
        switch FileStatus.of(file.path) {
        case .missing:
            file.status = .missing
        case .notAFile(let what):
            file.status = .unreadable
            file.reason = "is \(what), not a file"
        case .failed(let reason):
            file.status = .unreadable
            file.reason = reason
        case .file(let size):
            file.actualBytes = size
            if size != file.expectedBytes {
                file.status = .changedSize
                return file
            }
            guard let expected = file.expectedSHA256 else { return file }
            do {
                let digest = try FileDigest.ofFile(at: file.path)
                file.actualBytes = digest.bytes
                file.actualSHA256 = digest.sha256
                // The file may change while it is read; the bytes read are what count.
                if digest.bytes != file.expectedBytes {
                    file.status = .changedSize
                } else if digest.sha256 != expected {
                    file.status = .changedSHA256
                }
            } catch let error as OutputFileError {
                file.status = .unreadable
                file.reason = error.message
            } catch {
                file.status = .unreadable
                file.reason = "\(error)"
            }
        }
        return file
    }
}
